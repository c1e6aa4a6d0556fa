"""`/docs` (Swagger UI) and `/api/openapi.json`. The Swagger UI files (5.x: FastAPI's schema is OpenAPI 3.1)
come from the pinned PyPI package `fastapi-offline`, never from a CDN; only the files the page needs are served.
The page only in development; the schema there, or to a signed-in admin."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

import fastapi_offline
from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse

from api.deps import DbSession, SettingsDep, get_admin_user, get_current_user, get_enrolled_user, staff_bearer


def development_only(settings: SettingsDep) -> None:
    """The API page lists every endpoint for whoever asks: served in development only (404 elsewhere)."""
    if settings.env != "development":
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Not found")


def schema_reader(settings: SettingsDep, db: DbSession,
                  token: Annotated[str | None, Depends(staff_bearer)]) -> None:
    """The schema: open in development, elsewhere for a signed-in admin (bearer token) only."""
    if settings.env != "development":
        get_admin_user(get_enrolled_user(get_current_user(db, token)))


router = APIRouter(include_in_schema=False)

HERE = Path(__file__).resolve().parent
VENDOR = Path(fastapi_offline.__file__).resolve().parent / "static"
ASSETS = {
    "swagger-ui.css": VENDOR / "swagger-ui.css",
    "swagger-ui-bundle.js": VENDOR / "swagger-ui-bundle.js",
    "favicon.png": VENDOR / "favicon.png",
    "init.js": HERE / "init.js",
}
PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Perspectief intake backend - API</title>
<link rel="icon" href="/docs/assets/favicon.png">
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/init.js"></script>
</body>
</html>
"""


@router.get("/api/openapi.json", dependencies=[Depends(schema_reader)])
def openapi_schema(request: Request) -> JSONResponse:
    return JSONResponse(request.app.openapi())


@router.get("/docs", response_class=HTMLResponse, dependencies=[Depends(development_only)])
def docs_page() -> HTMLResponse:
    return HTMLResponse(PAGE)


@router.get("/docs/assets/{name}", dependencies=[Depends(development_only)])
def docs_asset(name: str) -> FileResponse:
    path = ASSETS.get(name)
    if path is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Not found")
    return FileResponse(path)
