"""Fixtures: every test runs against a migrated SQLite file and a migrated PostgreSQL schema."""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import psycopg
import pyotp
import pytest
from fastapi.testclient import TestClient

import api.models  # noqa: F401  (every table, also when one test module runs alone)
from api.core.config import get_settings
from api.core.db import Base, make_engine, make_session_factory
from tests import stack
from tests.api.helpers import DESK, PASSWORD, PUBLIC_URL, Inbox, signed_in

# Importing api.main builds the app, which needs the secrets: this run's fresh ones (tests/stack.py).
for _name, _value in stack.TEST_ENV.items():
    if _name.startswith("INTAKE_"):
        os.environ.setdefault(_name, _value)

PG_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=test"
STAFF_EMAIL = "medewerker@example.org"


def pg_url(schema: str) -> str:
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/test?options=-csearch_path%3D{schema}"


class FreshDatabase:
    """Creates empty databases of one kind: SQLite files or PostgreSQL schemas in `test`."""

    def __init__(self, kind: str, tmp_path_factory) -> None:
        self.kind, self._tmp, self._schemas = kind, tmp_path_factory, []

    def new(self) -> str:
        if self.kind == "sqlite":
            return f"sqlite:///{self._tmp.mktemp('db') / 'intake.sqlite3'}"
        schema = f"test_api_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(PG_DSN, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        self._schemas.append(schema)
        return pg_url(schema)

    def drop_all(self) -> None:
        with psycopg.connect(PG_DSN, autocommit=True) as conn:
            for schema in self._schemas:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def fresh_db(request, tmp_path_factory) -> Iterator[FreshDatabase]:
    factory = FreshDatabase(request.param, tmp_path_factory)
    yield factory
    if request.param == "postgresql":
        factory.drop_all()


@pytest.fixture(scope="session")
def database_url(fresh_db: FreshDatabase) -> str:
    """One database per kind and test session, migrated with the real Alembic command line."""
    url = fresh_db.new()
    stack.migrate(url)
    return url


@pytest.fixture
def env(monkeypatch, database_url) -> Iterator[dict[str, str]]:
    """The process environment the backend reads; tests may change it before `client` starts the app."""
    values = {k: v for k, v in stack.TEST_ENV.items() if k.startswith("INTAKE_")}
    values.update(DATABASE_URL=database_url, INTAKE_RASA_URL=f"http://127.0.0.1:{stack.free_port()}")
    for name in ("INTAKE_ADMIN_EMAIL", "INTAKE_ADMIN_PASSWORD", "INTAKE_ADMIN_TOTP_SECRET", "INTAKE_RASA_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield values
    get_settings.cache_clear()


@pytest.fixture
def engine(env, database_url):
    engine = make_engine(database_url)
    with engine.begin() as conn:  # a clean slate for every test
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    yield engine
    engine.dispose()


@pytest.fixture
def db(engine):
    with make_session_factory(engine)() as session:
        yield session


@pytest.fixture
def client(engine) -> Iterator[TestClient]:
    from api.main import create_app

    get_settings.cache_clear()
    with TestClient(create_app()) as test_client:
        yield test_client


@pytest.fixture
def staff_user(db):
    """An intake staff member enrolled in TOTP; returns (email, password, totp secret)."""
    from api.staff.service import create_user

    secret = pyotp.random_base32()
    create_user(db, STAFF_EMAIL, PASSWORD, "intake", totp_secret=secret)
    return STAFF_EMAIL, PASSWORD, secret


@pytest.fixture
def staff_headers(client, staff_user) -> dict[str, str]:
    email, password, secret = staff_user
    r = client.post("/api/auth/token", data={"username": email, "password": password,
                                              "otp": pyotp.TOTP(secret).now()})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


@pytest.fixture
def desk(client, db):
    """An admin, an intake staff member and two mediators (Utrecht and Limburg), each signed in through the API:
    role -> (user, headers)."""
    return {"admin": signed_in(client, db, "admin"), "intake": signed_in(client, db, "intake"),
            "mediator": signed_in(client, db, "mediator", "utrecht"),
            "other_mediator": signed_in(client, db, "mediator", "limburg")}


@pytest.fixture
def smtp(env, monkeypatch):
    """A real SMTP server (aiosmtpd) the backend mails to; yields its inbox."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=stack.free_port())
    controller.start()
    for name, value in {"INTAKE_SMTP_HOST": "127.0.0.1", "INTAKE_SMTP_PORT": str(controller.port),
                        "INTAKE_DESK_EMAIL": DESK, "INTAKE_PUBLIC_URL": PUBLIC_URL + "/",
                        "INTAKE_MAIL_FROM": "intake@example.org"}.items():
        monkeypatch.setenv(name, value)
    yield inbox
    controller.stop()
