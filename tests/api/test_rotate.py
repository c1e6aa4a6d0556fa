"""Keys per purpose and `python -m api.cli rotate`: every encrypted value is re-encrypted with the newest key of its
purpose, after which the old keys can be removed and everything still reads (SQLite and PostgreSQL)."""
from __future__ import annotations

import os
import subprocess

import pyotp
import pytest
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select, text

from api.core.config import ConfigError, get_settings
from api.core.crypto import EncryptedString
from api.core.db import Base
from api.core.rotation import encrypted_columns, rotate_database
from api.registrations.models import Registration
from api.staff.models import StaffUser
from api.staff.service import sign_in
from tests import stack
from tests.api.helpers import hand_off, raw_rows, record

NEW_FIELD, NEW_TOTP = Fernet.generate_key().decode(), Fernet.generate_key().decode()
PHONES = [f"+3161234567{n}" for n in range(5)]


@pytest.fixture
def stored(client, db, staff_user) -> dict[int, str]:
    """Five registrations (with a note each) and a staff member with a TOTP secret, under this run's keys."""
    ids = {}
    for phone in PHONES:
        r = hand_off(client, record(phone=phone, name=f"Naam {phone[-2:]}"))
        assert r.status_code == 201, r.text
        ids[r.json()["id"]] = phone
    return ids


def use_keys(monkeypatch, db, **keys: str) -> None:
    for name, value in keys.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    db.expire_all()


def counts_by_column(counts) -> dict[str, tuple[str, int, int, int]]:
    return {c.column: (c.purpose, c.rotated, c.current, c.unreadable) for c in counts}


def test_every_encrypted_column_is_found_from_the_models_with_its_purpose():
    found = {f"{t.name}.{c.name}": c.type.purpose for t, cols in encrypted_columns(Base.metadata.sorted_tables)
             for c in cols}
    assert found["staff_users.totp_secret"] == "totp"
    for column in ("name", "phone", "email", "description", "referrer_organisation", "decline_reason"):
        assert found[f"registrations.{column}"] == "field"
    assert found["registration_events.text"] == "field"
    assert set(found.values()) == {"field", "totp"}


def test_rotate_then_the_old_keys_can_go(env, engine, db, stored, staff_user, monkeypatch):
    old_field, old_totp = env["INTAKE_FIELD_KEYS"], env["INTAKE_TOTP_KEYS"]
    use_keys(monkeypatch, db, INTAKE_FIELD_KEYS=f"{NEW_FIELD},{old_field}",
             INTAKE_TOTP_KEYS=f"{NEW_TOTP},{old_totp}")
    counts = counts_by_column(rotate_database(engine, Base.metadata.sorted_tables, batch_size=2))
    assert counts["registrations.phone"] == ("field", 5, 0, 0)
    assert counts["registrations.name"] == ("field", 5, 0, 0)
    assert counts["registrations.email"] == ("field", 0, 0, 0)  # none given: nothing stored, nothing to do
    assert counts["staff_users.totp_secret"] == ("totp", 1, 0, 0)
    again = counts_by_column(rotate_database(engine, Base.metadata.sorted_tables, batch_size=2))
    assert again["registrations.phone"] == ("field", 0, 5, 0) and again["staff_users.totp_secret"] == ("totp", 0, 1, 0)
    assert all(rotated == 0 for _p, rotated, _c, _u in again.values())

    # The old keys removed: everything reads, and the staff member still signs in with their authenticator.
    use_keys(monkeypatch, db, INTAKE_FIELD_KEYS=NEW_FIELD, INTAKE_TOTP_KEYS=NEW_TOTP)
    assert {i: db.get(Registration, i).phone for i in stored} == stored
    assert {db.get(Registration, i).name for i in stored} == {f"Naam {p[-2:]}" for p in PHONES}
    email, password, secret = staff_user
    assert db.scalar(select(StaffUser).where(StaffUser.email == email)).totp_secret == secret
    assert sign_in(db, email, password, pyotp.TOTP(secret).now()) is not None
    # And the raw tokens open with the new key of their purpose only.
    (user,) = raw_rows(engine, "staff_users")
    assert Fernet(NEW_TOTP).decrypt(user["totp_secret"].encode()).decode() == secret
    for row in raw_rows(engine, "registrations"):
        assert Fernet(NEW_FIELD).decrypt(row["phone"].encode()).decode() == stored[row["id"]]
        with pytest.raises(InvalidToken):
            Fernet(old_field).decrypt(row["phone"].encode())


def test_each_purpose_is_closed_to_the_others_keys(env, engine, stored, staff_user):
    (user,) = raw_rows(engine, "staff_users")
    row = raw_rows(engine, "registrations")[0]
    for key in (env["INTAKE_FIELD_KEYS"], env["INTAKE_OUTBOX_KEYS"]):
        with pytest.raises(InvalidToken):
            Fernet(key).decrypt(user["totp_secret"].encode())
    for key in (env["INTAKE_TOTP_KEYS"], env["INTAKE_OUTBOX_KEYS"]):
        with pytest.raises(InvalidToken):
            Fernet(key).decrypt(row["phone"].encode())
    assert Fernet(env["INTAKE_TOTP_KEYS"]).decrypt(user["totp_secret"].encode()).decode() == staff_user[2]


@pytest.mark.parametrize(("first", "second"), [("INTAKE_FIELD_KEYS", "INTAKE_TOTP_KEYS"),
                                               ("INTAKE_FIELD_KEYS", "INTAKE_OUTBOX_KEYS"),
                                               ("INTAKE_TOTP_KEYS", "INTAKE_OUTBOX_KEYS")])
def test_a_key_used_for_two_purposes_is_refused(env, monkeypatch, first, second):
    shared = Fernet.generate_key().decode()
    monkeypatch.setenv(first, f"{Fernet.generate_key().decode()},{shared}")
    monkeypatch.setenv(second, shared)
    with pytest.raises(ConfigError) as refused:
        get_settings()
    assert f"{first} and {second} share a key" in str(refused.value) and shared not in str(refused.value)


def test_a_table_added_later_is_rotated_without_being_listed(env, engine, db, monkeypatch):
    """Found by its column type; a composite primary key is walked in batches too."""
    later = Table("rotate_test_later", MetaData(), Column("a", Integer, primary_key=True),
                  Column("b", String(8), primary_key=True), Column("secret", EncryptedString))
    later.create(engine)
    try:
        with engine.begin() as conn:
            conn.execute(insert(later), [{"a": n % 2, "b": f"x{n}", "secret": f"geheim {n}"} for n in range(5)])
        use_keys(monkeypatch, db, INTAKE_FIELD_KEYS=f"{NEW_FIELD},{env['INTAKE_FIELD_KEYS']}")
        (count,) = rotate_database(engine, [later], batch_size=2)
        assert (count.column, count.rotated, count.current) == ("rotate_test_later.secret", 5, 0)
        use_keys(monkeypatch, db, INTAKE_FIELD_KEYS=NEW_FIELD)
        with engine.connect() as conn:
            assert sorted(conn.scalars(select(later.c.secret))) == [f"geheim {n}" for n in range(5)]
    finally:
        later.drop(engine)


def test_values_from_before_keys_per_purpose_move_to_their_own_keys(env, engine, db, stored, staff_user,
                                                                     monkeypatch):
    """An installation from before: one key encrypted everything (here the field key also wrote the TOTP secret).
    With the new lists added and the old key in INTAKE_ENCRYPTION_KEYS (decrypt only), rotate moves every value to
    the key of its purpose; then the old variable can go."""
    old = env["INTAKE_FIELD_KEYS"]
    email, password, secret = staff_user
    with engine.begin() as conn:
        conn.execute(text("UPDATE staff_users SET totp_secret = :t"),
                     {"t": Fernet(old).encrypt(secret.encode()).decode()})
    use_keys(monkeypatch, db, INTAKE_ENCRYPTION_KEYS=old, INTAKE_FIELD_KEYS=NEW_FIELD, INTAKE_TOTP_KEYS=NEW_TOTP)
    counts = counts_by_column(rotate_database(engine, Base.metadata.sorted_tables))
    assert counts["registrations.phone"] == ("field", 5, 0, 0) and counts["staff_users.totp_secret"][:2] == ("totp", 1)
    use_keys(monkeypatch, db, INTAKE_ENCRYPTION_KEYS=None)
    assert {i: db.get(Registration, i).phone for i in stored} == stored
    assert sign_in(db, email, password, pyotp.TOTP(secret).now()) is not None


def rotate_command(env: dict, **keys: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    environ.update({**env, **keys, "PYTHONPATH": str(stack.ROOT)})
    return subprocess.run([str(stack.API_BIN / "python"), "-m", "api.cli", "rotate"], cwd=stack.ROOT, env=environ,
                          capture_output=True, text=True, timeout=120)


def test_the_command_prints_counts_never_values(env, engine, stored):
    keys = {"INTAKE_FIELD_KEYS": f"{NEW_FIELD},{env['INTAKE_FIELD_KEYS']}",
            "INTAKE_TOTP_KEYS": f"{NEW_TOTP},{env['INTAKE_TOTP_KEYS']}"}
    run = rotate_command(env, **keys)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert "registrations.phone (field): 5 re-encrypted, 0 already current" in lines
    assert "staff_users.totp_secret (totp): 1 re-encrypted, 0 already current" in lines
    assert lines[-1].startswith("Every encrypted value uses the newest key")
    output = run.stdout + run.stderr
    for secret in [*PHONES, "Naam", NEW_FIELD, NEW_TOTP, env["INTAKE_FIELD_KEYS"], env["INTAKE_TOTP_KEYS"]]:
        assert secret not in output
    again = rotate_command(env, **keys)
    assert "registrations.phone (field): 0 re-encrypted, 5 already current" in again.stdout.splitlines()


def test_a_value_no_key_opens_fails_the_command_and_stays(env, engine, stored):
    before = raw_rows(engine, "registrations")
    run = rotate_command(env, INTAKE_FIELD_KEYS=NEW_FIELD)  # the key that wrote them is missing
    assert run.returncode == 1 and "keep every old key" in run.stderr
    assert "registrations.phone (field): 0 re-encrypted, 0 already current, 5 NOT readable" in run.stdout
    assert raw_rows(engine, "registrations") == before
