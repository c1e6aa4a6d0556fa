"""Key rotation of the outbox (`python -m actions.rotate`, run by `make rotate`): every record is re-encrypted with
the newest of INTAKE_OUTBOX_KEYS, after which the old key can be removed and every record still reads."""
from __future__ import annotations

import os
import sqlite3
import subprocess

import pytest
from cryptography.fernet import Fernet, InvalidToken

from actions.outbox import Outbox
from tests import stack
from tests.actions.helpers import settings_for

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def record(n: int) -> dict:
    return {"reference": f"PH-ROTA-{n:04d}", "kind": "registration", "phone": f"+3168765{n:04d}", "name": "Sam"}


def fill(tmp_path, count: int = 7) -> Outbox:
    outbox = Outbox(settings_for("http://127.0.0.1:9", tmp_path / "outbox.sqlite3", encryption_keys=(OLD,)))
    for n in range(count):
        outbox.add(f"key-{n}", record(n)["reference"], record(n), hold=3600)
    return outbox


def with_keys(tmp_path, *keys: str) -> Outbox:
    return Outbox(settings_for("http://127.0.0.1:9", tmp_path / "outbox.sqlite3", encryption_keys=keys))


def raw_payloads(tmp_path) -> dict[str, bytes]:
    with sqlite3.connect(tmp_path / "outbox.sqlite3") as db:
        return dict(db.execute("SELECT idempotency_key, payload FROM outbox"))


def test_rotate_in_batches_then_the_old_key_can_go(tmp_path):
    fill(tmp_path)
    # A delivered row keeps no record (blanked): nothing to re-encrypt there.
    with sqlite3.connect(tmp_path / "outbox.sqlite3") as db:
        db.execute("UPDATE outbox SET payload = X'', state = 'delivered' WHERE idempotency_key = 'key-6'")
    outbox = with_keys(tmp_path, NEW, OLD)
    assert outbox.rotate_keys(batch_size=2) == {"rotated": 6, "current": 0, "unreadable": 0}
    assert outbox.rotate_keys(batch_size=2) == {"rotated": 0, "current": 6, "unreadable": 0}  # idempotent
    newest_only = with_keys(tmp_path, NEW)
    assert [newest_only.record(f"key-{n}") for n in range(6)] == [record(n) for n in range(6)]
    assert raw_payloads(tmp_path)["key-6"] == b""
    with pytest.raises(InvalidToken):
        with_keys(tmp_path, OLD).record("key-0")


def test_a_record_no_key_opens_is_counted_and_left_as_it_is(tmp_path):
    fill(tmp_path, 2)
    before = raw_payloads(tmp_path)
    other = Fernet.generate_key().decode()
    assert with_keys(tmp_path, NEW, other).rotate_keys() == {"rotated": 0, "current": 0, "unreadable": 2}
    assert raw_payloads(tmp_path) == before


def rotate_command(tmp_path, **keys: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    env.update(PYTHONPATH=str(stack.ROOT), INTAKE_SERVICE_TOKEN=stack.TEST_ENV["INTAKE_SERVICE_TOKEN"],
               INTAKE_BOT_SECRET=stack.TEST_ENV["INTAKE_BOT_SECRET"],
               INTAKE_OUTBOX_PATH=str(tmp_path / "outbox.sqlite3"), **keys)
    return subprocess.run([str(stack.BOT_BIN / "python"), "-m", "actions.rotate"], cwd=stack.ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("old_list", ["INTAKE_OUTBOX_KEYS", "INTAKE_ENCRYPTION_KEYS"])
def test_the_command_prints_counts_only(tmp_path, old_list):
    """The old key second in the outbox's list, or (an installation from before keys per purpose) in the old
    single list, which decrypts until the rotation is done."""
    fill(tmp_path, 3)
    keys = {"INTAKE_OUTBOX_KEYS": f"{NEW},{OLD}"} if old_list == "INTAKE_OUTBOX_KEYS" else {
        "INTAKE_OUTBOX_KEYS": NEW, "INTAKE_ENCRYPTION_KEYS": OLD}
    run = rotate_command(tmp_path, **keys)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "Outbox: 3 record(s) re-encrypted, 0 already current."
    for n in range(3):
        assert record(n)["phone"] not in run.stdout + run.stderr
    assert NEW not in run.stdout + run.stderr and OLD not in run.stdout + run.stderr
    assert rotate_command(tmp_path, INTAKE_OUTBOX_KEYS=NEW).stdout.strip() == (
        "Outbox: 0 record(s) re-encrypted, 3 already current.")
    assert with_keys(tmp_path, NEW).record("key-2") == record(2)


def test_unreadable_records_make_the_command_fail(tmp_path):
    fill(tmp_path, 1)
    run = rotate_command(tmp_path, INTAKE_OUTBOX_KEYS=NEW)
    assert run.returncode == 1 and "1 NOT readable" in run.stdout and "keep every old key" in run.stderr


def test_the_outbox_keys_open_no_other_purpose_and_the_others_not_the_outbox(tmp_path):
    outbox = Outbox(settings_for("http://127.0.0.1:9", tmp_path / "outbox.sqlite3"))  # the run's INTAKE_OUTBOX_KEYS
    outbox.add("key-1", "PH-ROTA-0001", record(1), hold=3600)
    token = raw_payloads(tmp_path)["key-1"]
    for other in ("INTAKE_FIELD_KEYS", "INTAKE_TOTP_KEYS"):
        with pytest.raises(InvalidToken):
            Fernet(stack.TEST_ENV[other]).decrypt(token)
    assert outbox.record("key-1") == record(1)
