"""Row ids as the API takes and gives them: the range of the tables' INTEGER keys (32 bits on PostgreSQL), so a
number the database cannot hold is refused by validation and described in the OpenAPI schema."""
from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query
from pydantic import Field

MAX_ID = 2**31 - 1

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
QueryId = Annotated[int, Query(ge=1, le=MAX_ID)]
