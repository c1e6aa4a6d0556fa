"""Database set-up: foreign keys enforced, SQLite in WAL mode, the default file's directory created."""
from __future__ import annotations

import os
import stat
import subprocess

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from api.registrations.models import IdempotencyKey
from tests import stack


def test_foreign_keys_are_enforced(db):
    db.add(IdempotencyKey(key="k", payload_sha256="0" * 64, registration_id=424242))
    with pytest.raises(IntegrityError):
        db.commit()


def test_sqlite_runs_in_wal_mode(engine, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("WAL is a SQLite setting")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_default_database_lands_in_var(tmp_path, database_url):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",) and not k.startswith("INTAKE_")}
    env.update({k: v for k, v in stack.TEST_ENV.items() if k.startswith("INTAKE_")}, PYTHONPATH=str(stack.ROOT))
    run = subprocess.run([str(stack.API_BIN / "alembic"), "-c", str(stack.ROOT / "api" / "alembic.ini"),
                          "upgrade", "head"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "var" / "intake.sqlite3").stat().st_size > 0
    assert stat.S_IMODE((tmp_path / "var" / "intake.sqlite3").stat().st_mode) == 0o600
