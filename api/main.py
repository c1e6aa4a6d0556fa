"""The app factory: routers, lifespan (database, Rasa client, first admin), error and header handling."""
from __future__ import annotations

import logging
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from sqlalchemy import inspect
from sqlalchemy.exc import DataError, OperationalError

from api.audit.router import router as audit_router
from api.chat.router import router as chat_router
from api.chat.service import RasaGateway
from api.core import errors
from api.core.config import ConfigError, Settings, get_settings
from api.core.db import make_engine, make_session_factory
from api.core.limits import LimitsMiddleware
from api.core.logging import configure_logging
from api.core.security_headers import SecurityHeadersMiddleware
from api.deadletters.router import router as dead_letters_router
from api.openapi_page.router import router as openapi_page_router
from api.pages.router import router as pages_router
from api.questions.router import router as questions_router
from api.questions.staff import router as questions_staff_router
from api.registrations.router import router as registrations_router
from api.staff import service as staff_service
from api.staff.router import router as staff_router
from api.statistics.pages import router as statistics_pages_router
from api.statistics.router import router as statistics_router
from api.workspace.router import router as workspace_router

log = logging.getLogger("api")
STATIC_DIR = Path(__file__).resolve().parent / "static"


def _bootstrap_admin(app: FastAPI) -> None:
    settings: Settings = app.state.settings
    with app.state.session_factory() as db:
        if not inspect(db.connection()).has_table("staff_users"):
            raise RuntimeError("the database is not migrated: run `make migrate`")
        if settings.admin_email and settings.admin_password:
            totp = settings.admin_totp_secret.get_secret_value() if settings.admin_totp_secret else None
            created = staff_service.ensure_admin(db, settings.admin_email,
                                                 settings.admin_password.get_secret_value(), totp)
            if created is not None:
                log.info("admin from INTAKE_ADMIN_EMAIL created id=%s", created.id)
        if staff_service.count_users(db) == 0:
            log.warning("No staff account yet: run `make admin` (or set INTAKE_ADMIN_EMAIL and INTAKE_ADMIN_PASSWORD)")


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    engine = make_engine(settings.database_url)
    app.state.session_factory = make_session_factory(engine)
    try:
        _bootstrap_admin(app)
        async with RasaGateway(settings) as gateway:
            app.state.rasa = gateway
            yield
    finally:
        engine.dispose()


def create_app() -> FastAPI:
    """A configured app; settings come from the environment, read once (`get_settings`)."""
    configure_logging()
    app = FastAPI(title="Perspectief intake backend", lifespan=lifespan, docs_url=None, redoc_url=None,
                  openapi_url=None)
    app.state.settings = get_settings()
    app.add_exception_handler(RequestValidationError, errors.validation_error)
    app.add_exception_handler(DataError, errors.data_error)
    app.add_exception_handler(OverflowError, errors.data_error)
    app.add_exception_handler(OperationalError, errors.database_unavailable)

    # Inside the security headers, so a 413/429 gets them too.
    app.add_middleware(LimitsMiddleware, settings=app.state.settings)
    app.add_middleware(SecurityHeadersMiddleware, frame_ancestors=app.state.settings.frame_ancestors)

    @app.get("/api/health", tags=["health"])
    def health() -> dict[str, str]:
        return {"status": "ok"}

    app.include_router(chat_router)
    app.include_router(registrations_router)
    app.include_router(staff_router)
    app.include_router(audit_router)
    app.include_router(dead_letters_router)
    app.include_router(statistics_router)
    app.include_router(statistics_pages_router)
    app.include_router(workspace_router)
    app.include_router(questions_staff_router)
    app.include_router(pages_router)
    app.include_router(questions_router)
    app.include_router(openapi_page_router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR, check_dir=False), name="static")
    return app


# Files this process creates (the SQLite database and its -wal/-shm) are for this user only.
os.umask(0o077)
try:
    app = create_app()
except ConfigError as exc:  # one line on stderr naming the variable, exit status 1; never a traceback
    sys.exit(f"api: {exc}")
