"""`python -m api.cli`: secrets file, first admin, purge."""
from __future__ import annotations

import os
import re
import stat
import subprocess
from datetime import timedelta

import pyotp
import pytest
from dotenv import dotenv_values
from sqlalchemy import func, select, update

from api.core.db import utcnow
from api.registrations.models import IdempotencyKey, Registration
from api.staff.service import sign_in
from tests import stack
from tests.api.helpers import cli, hand_off, record, report


def test_init_secrets_writes_private_file_once(tmp_path, database_url):
    path = tmp_path / "var" / "secrets.env"
    assert cli("init-secrets", str(path)).returncode == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    values = dotenv_values(path)
    assert set(values) == {"INTAKE_SERVICE_TOKEN", "INTAKE_FIELD_KEYS", "INTAKE_TOTP_KEYS", "INTAKE_OUTBOX_KEYS",
                           "INTAKE_SECRET_KEY", "INTAKE_BOT_SECRET"}
    before = path.read_text()
    again = cli("init-secrets", str(path))
    assert again.returncode != 0 and "not overwritten" in again.stderr
    assert path.read_text() == before
    # The generated secrets are good enough for production.
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    run = subprocess.run([str(stack.API_BIN / "python"), "-c", "from api.core.config import Settings; Settings()"],
                         cwd=stack.ROOT, env={**env, **values, "INTAKE_ENV": "production"}, capture_output=True)
    assert run.returncode == 0, run.stderr
    other = tmp_path / "other.env"
    cli("init-secrets", str(other))
    assert dotenv_values(other)["INTAKE_SERVICE_TOKEN"] != values["INTAKE_SERVICE_TOKEN"]


def test_create_admin_prints_totp_that_signs_in(env, db):
    run = cli("create-admin", env=env, stdin="Beheer@Example.org\nbeheer wachtwoord 123\nbeheer wachtwoord 123\n")
    assert run.returncode == 0, run.stderr
    secret = re.search(r"TOTP secret: ([A-Z2-7]+)", run.stdout).group(1)
    assert "otpauth://totp/" in run.stdout
    token = sign_in(db, "beheer@example.org", "beheer wachtwoord 123", pyotp.TOTP(secret).now())
    assert token


@pytest.mark.parametrize("stdin", ["a@example.org\nkort\nkort\n",
                                   "a@example.org\nlang genoeg wachtwoord\nanders wel\n"])
def test_create_admin_refuses_weak_or_mismatched_password(env, db, stdin):
    run = cli("create-admin", env=env, stdin=stdin)
    assert run.returncode == 1
    assert "TOTP secret" not in run.stdout


def test_purge_erases_only_closed_registrations_past_retention(client, db, env):
    old_closed, recent_closed, open_old = (hand_off(client, record()).json()["id"] for _ in range(3))
    now = utcnow()
    db.execute(update(Registration).where(Registration.id == old_closed)
               .values(status="closed", closed_at=now - timedelta(days=1826)))
    db.execute(update(Registration).where(Registration.id == recent_closed)
               .values(status="closed", closed_at=now - timedelta(days=30)))
    db.execute(update(Registration).where(Registration.id == open_old)
               .values(created_at=now - timedelta(days=4000)))
    db.commit()
    run = cli("purge", env=env)
    assert run.returncode == 0, run.stderr
    assert "Erased 1 registration(s)" in run.stdout
    assert "1 registration(s) are not closed" in run.stdout
    db.expire_all()
    assert set(db.scalars(select(Registration.id))) == {recent_closed, open_old}
    assert db.scalar(select(func.count()).select_from(IdempotencyKey)) == 2


def test_purge_with_nothing_closed_says_so(client, env):
    hand_off(client, record())
    run = cli("purge", env=env)
    assert run.returncode == 0
    assert "Erased 0 registration(s)" in run.stdout
    assert "1 registration(s) are not closed and were kept" in run.stdout


def test_purge_clears_dead_letter_notices_and_throttling_past_retention(client, db, env):
    from api.deadletters.models import DeadLetter
    from api.staff import throttle
    from api.staff.models import SignInThrottle

    old, fresh = (report(client, reference=ref).json()["id"] for ref in ("PH-WXYZ-2345", "PH-MNPQ-6789"))
    db.execute(update(DeadLetter).where(DeadLetter.id == old).values(reported_at=utcnow() - timedelta(days=8)))
    long_ago = utcnow() - timedelta(days=2)
    db.add(SignInThrottle(key="pair:old", failures=4, window_started_at=long_ago, next_allowed_at=long_ago))
    db.add(SignInThrottle(key="pair:now", failures=4, window_started_at=utcnow(), next_allowed_at=utcnow()))
    db.commit()
    run = cli("purge", env=env)
    assert run.returncode == 0, run.stderr
    assert "Removed 1 dead-letter notice(s) older than 7 days: PH-WXYZ-2345." in run.stdout
    db.expire_all()
    assert list(db.scalars(select(DeadLetter.id))) == [fresh]
    assert list(db.scalars(select(SignInThrottle.key))) == ["pair:now"]
    assert throttle.forget_old(db) == 0


def test_init_secrets_adds_key_lists_to_a_file_from_before_keys_per_purpose(tmp_path):
    """The old single list stays (it decrypts until `make rotate`); each purpose gets a fresh key of its own."""
    from cryptography.fernet import Fernet

    path = tmp_path / "secrets.env"
    old = f"INTAKE_SERVICE_TOKEN={'t' * 40}x\nINTAKE_ENCRYPTION_KEYS={Fernet.generate_key().decode()}\n" \
          f"INTAKE_SECRET_KEY={'s' * 40}y"  # no newline at the end
    path.write_text(old)
    path.chmod(0o600)
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    check = [str(stack.API_BIN / "python"), "-c", "from api.core.config import get_settings; get_settings()"]
    before = subprocess.run(check, cwd=stack.ROOT, env={**env, **dotenv_values(path)}, capture_output=True, text=True)
    assert before.returncode != 0 and "init-secrets var/secrets.env` adds the missing lists" in before.stderr
    run = cli("init-secrets", str(path))
    assert run.returncode == 0, run.stderr
    assert "INTAKE_FIELD_KEYS, INTAKE_TOTP_KEYS, INTAKE_OUTBOX_KEYS" in run.stdout and "make rotate" in run.stdout
    assert path.read_text().startswith(old + "\n") and stat.S_IMODE(path.stat().st_mode) == 0o600
    values = dotenv_values(path)
    added = [values[name] for name in ("INTAKE_FIELD_KEYS", "INTAKE_TOTP_KEYS", "INTAKE_OUTBOX_KEYS")]
    assert len(set(added) | {values["INTAKE_ENCRYPTION_KEYS"]}) == 4 and len(values["INTAKE_BOT_SECRET"]) >= 32
    after = subprocess.run(check, cwd=stack.ROOT, env={**env, **values}, capture_output=True, text=True)
    assert after.returncode == 0, after.stderr
    assert cli("init-secrets", str(path)).returncode == 1 and dotenv_values(path) == values
