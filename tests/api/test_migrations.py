"""Alembic from the repository root, up and down, on SQLite and PostgreSQL."""
from __future__ import annotations

import os
import subprocess

from sqlalchemy import create_engine, inspect

from tests import stack

TABLES = {"registrations", "idempotency_keys", "staff_users", "staff_sessions", "staff_sign_in_throttle"}


def alembic(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, **stack.TEST_ENV, "DATABASE_URL": url}
    env.pop("PYTHONPATH")  # the ini file finds the package on its own
    return subprocess.run([str(stack.API_BIN / "alembic"), "-c", "api/alembic.ini", *args], cwd=stack.ROOT,
                          env=env, capture_output=True, text=True)


def tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade(fresh_db):
    url = fresh_db.new()
    assert alembic(url, "upgrade", "head").returncode == 0
    assert TABLES <= tables(url)
    down = alembic(url, "downgrade", "base")
    assert down.returncode == 0, down.stderr
    assert not TABLES & tables(url)
    assert alembic(url, "upgrade", "head").returncode == 0
    assert TABLES <= tables(url)


def test_models_and_migrations_agree(fresh_db):
    url = fresh_db.new()
    assert alembic(url, "upgrade", "head").returncode == 0
    check = alembic(url, "check")
    assert check.returncode == 0, check.stdout + check.stderr
