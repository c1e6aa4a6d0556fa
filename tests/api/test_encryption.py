"""Contact details, name, description and referrer organisation never reach the database in plain text."""
from __future__ import annotations

from pathlib import Path

from cryptography.fernet import Fernet
from sqlalchemy import text
from sqlalchemy.engine import make_url

from api.core.config import get_settings
from api.registrations.models import Registration
from tests.api.helpers import hand_off, raw_rows, record

SECRETS = {
    "name": "Wilhelmina Zwanenburg",
    "phone": "+31687654321",
    "email": "w.zwanenburg@voorbeeld.nl",
    "description": "Het gebeurde na de training in de kleedkamer",
    "referrer_organisation": "Reclassering Oost-Nederland",
}


def _store(client) -> int:
    r = hand_off(client, record(**SECRETS, on_behalf=True, client_consent=True, role="professional"))
    assert r.status_code == 201
    return r.json()["id"]


def test_raw_columns_are_fernet_tokens(client, engine):
    _store(client)
    (row,) = raw_rows(engine, "registrations")
    for field, plain in SECRETS.items():
        assert row[field].startswith("gAAAAA"), field
        assert plain not in row[field]


def test_database_storage_holds_no_plain_value(client, engine, database_url):
    _store(client)
    if database_url.startswith("sqlite"):
        path = Path(make_url(database_url).database)
        engine.dispose()  # let SQLite write back what it holds
        blob = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    else:
        with engine.connect() as conn:
            blob = conn.execute(text("SELECT string_agg(row_to_json(r)::text, '') FROM registrations r")).scalar()
            blob = blob.encode()
    assert b"2026-11-v1" in blob and b"sport_club" in blob  # the read covers the stored row
    for plain in [*SECRETS.values(), "687654321", "Zwanenburg", "kleedkamer"]:
        assert plain.encode() not in blob, plain


def test_key_rotation_new_key_encrypts_old_key_still_decrypts(client, db, engine, monkeypatch):
    first_id = _store(client)
    old_key = get_settings().keys_for("field")[0]
    new_key = Fernet.generate_key().decode()
    monkeypatch.setenv("INTAKE_FIELD_KEYS", f"{new_key},{old_key}")
    get_settings.cache_clear()
    db.expire_all()
    assert db.get(Registration, first_id).phone == SECRETS["phone"]
    second_id = hand_off(client, record(phone="0612121212")).json()["id"]
    raw = {row["id"]: row["phone"] for row in raw_rows(engine, "registrations")}
    assert Fernet(new_key).decrypt(raw[second_id].encode()) == b"+31612121212"
    assert Fernet(old_key).decrypt(raw[first_id].encode()) == SECRETS["phone"].encode()
