"""Alembic environment: the URL comes from the backend's settings; batch mode so SQLite can alter tables."""
from __future__ import annotations

from logging.config import fileConfig

from alembic import context

from api.core.config import ConfigError, get_settings
from api.core.db import make_engine
from api.models import Base

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata
try:
    database_url = get_settings().database_url
except ConfigError as exc:
    raise SystemExit(f"alembic: {exc}") from None


def run_migrations_offline() -> None:
    context.configure(url=database_url, target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
