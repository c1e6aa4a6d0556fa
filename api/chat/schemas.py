"""Chat relay bodies."""
from __future__ import annotations

from typing import Annotated

from pydantic import UUID4, BaseModel, ConfigDict, StringConstraints

MAX_MESSAGE_LENGTH = 2000


class ChatIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sender: UUID4
    message: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_MESSAGE_LENGTH)]
