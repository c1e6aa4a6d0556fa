"""Alembic from the repository root, up and down, on SQLite and PostgreSQL; 0008's conversion of statistics rows
into counts."""
from __future__ import annotations

import random
import uuid
from collections import Counter

from sqlalchemy import create_engine, text

from tests.api.helpers import alembic, tables

TABLES = {"registrations", "idempotency_keys", "staff_users", "staff_sessions", "staff_sign_in_throttle"}


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


INTAKE = ("year", "quarter", "channel", "kind", "role", "referrer", "language", "province")
COURSE = ("year", "quarter", "event_kind", "outcome", "decline_reason", "initiative", "contact_made",
          "form_conversation", "form_group_meeting", "form_letters", "form_shuttle", "form_video_message")


def _old_rows(n: int = 300) -> list[dict]:
    """Statistics rows as the application wrote them before 0008 (one per registration), few enough kinds that
    many rows share their categories."""
    rng = random.Random(8)
    rows = []
    for _ in range(n):
        outcome = rng.choice(["taken_on", "taken_on", "declined", "erased_open"])
        contact = outcome == "taken_on" and rng.random() < 0.4
        rows.append({"key": uuid.uuid4().hex, "year": rng.choice([2025, 2026]), "quarter": rng.randint(1, 4),
                     "channel": rng.choice(["chat", "webform"]), "kind": "registration",
                     "role": rng.choice(["affected", "professional"]), "referrer": "none",
                     "event_kind": rng.choice(["violence", "traffic"]), "language": rng.choice(["nl", "nl", "en"]),
                     "province": rng.choice(["utrecht", "zeeland"]), "outcome": outcome,
                     "decline_reason": "duplicate" if outcome == "declined" else "none",
                     "initiative": rng.choice(["affected", "caused"]) if outcome == "taken_on" else "unknown",
                     "contact_made": ("yes" if contact else "no") if outcome == "taken_on" else "none",
                     "form_conversation": contact, "form_group_meeting": False,
                     "form_letters": contact and rng.random() < 0.5, "form_shuttle": False,
                     "form_video_message": False})
    return rows


def _project(rows, names: tuple, weight=lambda r: 1) -> Counter:
    """Rows (with booleans as SQLite gives them: 0/1) counted by `names`."""
    out = Counter()
    for r in rows:
        out[tuple(bool(r[n]) if n.startswith("form_") else r[n] for n in names)] += weight(r)
    return out


def _read(url: str, table: str) -> list[dict]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(text(f"SELECT * FROM {table}"))]
    finally:
        engine.dispose()


def test_0008_turns_statistics_rows_into_counts_and_back(fresh_db):
    url = fresh_db.new()
    assert alembic(url, "upgrade", "0007").returncode == 0
    old = _old_rows()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"INSERT INTO statistics_rows ({', '.join(old[0])}) "
                          f"VALUES ({', '.join(':' + k for k in old[0])})"), old)
    engine.dispose()
    up = alembic(url, "upgrade", "0008")
    assert up.returncode == 0, up.stderr
    assert "statistics_rows" not in tables(url)
    for table, names in (("statistics_intake", INTAKE), ("statistics_course", COURSE)):
        rows = _read(url, table)
        # One row per combination, its count the number of old rows with those categories.
        assert _project(rows, names, weight=lambda r: r["count"]) == _project(old, names)
        assert len(rows) == len(_project(old, names)) < len(old)
    down = alembic(url, "downgrade", "0007")
    assert down.returncode == 0, down.stderr
    back = _read(url, "statistics_rows")
    # A row per registration again: the same counts by each table's categories (their pairing is not kept),
    # each with a random key of its own.
    assert len(back) == len(old)
    assert _project(back, INTAKE) == _project(old, INTAKE) and _project(back, COURSE) == _project(old, COURSE)
    assert len({r["key"] for r in back}) == len(old) and all(len(r["key"]) == 32 for r in back)
    assert alembic(url, "upgrade", "head").returncode == 0
    assert _project(_read(url, "statistics_course"), COURSE, weight=lambda r: r["count"]) == _project(old, COURSE)
