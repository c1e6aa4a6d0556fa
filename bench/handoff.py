"""Backend benchmark on PostgreSQL: hand-offs per second, and staff inbox latency with 100,000 registrations.

    .venv/api/bin/python -m bench.handoff [--rows 100000] [--concurrency 8] [--duration 20] [--requests 100]

Works in a dedicated schema `bench_<random>` of the database `test` on 127.0.0.1:5432 (trust auth), created,
migrated with the real Alembic command line and dropped again at the end: no other data is touched.
1. Bulk-inserts --rows registrations with SQLAlchemy core; the personal fields go through the app's own
   EncryptedString column type, so they are Fernet tokens exactly as the app writes them (made-up values).
2. Starts the backend (uvicorn, tests/stack.py) on that schema and drives `POST /api/internal/registrations` with
   the service token and a fresh Idempotency-Key per call, --concurrency at a time for --duration seconds.
3. Signs in as a staff admin and times `GET /api/registrations` (page 1; with filters; a reference search) and
   `GET /api/registrations/counts`, --requests times each, one at a time.
Prints p50/p95/p99 for each. Nothing personal is printed.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import random
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

from tests import stack

ADMIN_EMAIL = "bench-admin@example.org"
ADMIN_PASSWORD = "bench correct horse battery staple 42"
PG_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=test"

# The app reads its settings (the encryption keys above all) from the environment: the test values, as the tests do.
for _name, _value in stack.TEST_ENV.items():
    if _name.startswith("INTAKE_"):
        os.environ.setdefault(_name, _value)


def pg_url(schema: str) -> str:
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/test?options=-csearch_path%3D{schema}"


@contextlib.contextmanager
def migrated_schema() -> Iterator[str]:
    """A schema `bench_<random>` of the database `test`, migrated with Alembic and dropped at the end: its URL."""
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        url = pg_url(schema)
        stack.migrate(url)
        yield url
    finally:
        with psycopg.connect(PG_DSN, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@contextlib.contextmanager
def backend_with_admin(url: str, prefix: str) -> Iterator[tuple[stack.Process, str, str]]:
    """The backend on the database `url` with a first admin: (process, base URL, the admin's TOTP secret)."""
    import pyotp

    totp = pyotp.random_base32()
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        backend, base = stack.start_backend(Path(tmp), url, env={
            "INTAKE_ADMIN_EMAIL": ADMIN_EMAIL, "INTAKE_ADMIN_PASSWORD": ADMIN_PASSWORD,
            "INTAKE_ADMIN_TOTP_SECRET": totp})
        try:
            yield backend, base, totp
        finally:
            backend.stop()


def pct(values: list[float], p: float) -> float:
    data = sorted(values)
    return 1000 * data[min(len(data) - 1, max(0, math.ceil(p / 100 * len(data)) - 1))] if data else float("nan")


def line(label: str, values: list[float]) -> str:
    return (f"{label:<38} n={len(values):<5} p50={pct(values, 50):7.1f} ms  p95={pct(values, 95):7.1f} ms  "
            f"p99={pct(values, 99):7.1f} ms")


# --- 1. bulk data ---------------------------------------------------------------------------------------
def bulk_insert(database_url: str, rows: int, seed: int = 42) -> float:
    """Insert `rows` made-up registrations; returns the seconds it took."""
    from api.core.config import get_settings
    from api.core.db import make_engine
    from api.registrations.models import Registration
    from api.registrations.schemas import CallTime, ContactForm, EventKind, Region, Role, Setting, WhenHappened
    from contract import CONSENT_VERSION, new_reference

    os.environ["DATABASE_URL"] = database_url
    get_settings.cache_clear()
    rng = random.Random(seed)
    choices = {name: list(lit.__args__) for name, lit in (
        ("role", Role), ("event_kind", EventKind), ("setting", Setting), ("when_happened", WhenHappened),
        ("contact_form", ContactForm), ("call_time", CallTime), ("region", Region))}
    statuses = ["new"] * 2 + ["in_review"] * 2 + ["closed"] * 5 + ["declined"]
    now = datetime.now(timezone.utc)
    references: set[str] = set()
    table = Registration.__table__
    engine = make_engine(database_url)
    started = time.monotonic()
    batch = 5000
    with engine.begin() as conn:
        for start in range(0, rows, batch):
            values = []
            for i in range(start, min(rows, start + batch)):
                while True:
                    reference = new_reference(rng.choice)
                    if reference not in references:
                        references.add(reference)
                        break
                created = now - timedelta(seconds=rng.randint(0, 3 * 365 * 86400))
                status = rng.choice(statuses)
                values.append({
                    "reference": reference, "kind": rng.choice(["registration"] * 4 + ["callback"]),
                    "source": rng.choice(["chat", "webform"]), "on_behalf": False, "client_consent": False,
                    "referrer_organisation": None, "other_party_known": rng.choice(["yes", "no", "unknown"]),
                    "procedures": "none", "description": f"Benchmarkregel {i}: verzonnen beschrijving.",
                    "name": f"Bench {i}", "phone": f"+3161{i:07d}", "email": f"bench{i}@example.org",
                    "voicemail_ok": "no", "email_ok": "yes", "language": "nl", "consent": True,
                    "consent_at": created, "consent_version": CONSENT_VERSION, "status": status,
                    "closed_at": created + timedelta(days=30) if status in ("closed", "declined") else None,
                    "assigned_to_id": None, "decline_reason": "Benchmark" if status == "declined" else None,
                    "created_at": created, "updated_at": created,
                    **{name: rng.choice(options) for name, options in choices.items()},
                })
            conn.execute(table.insert(), values)  # executemany: the dialect batches it into multi-row INSERTs
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE registrations")
    engine.dispose()
    return time.monotonic() - started


# --- 2. hand-offs -----------------------------------------------------------------------------------------
async def hand_offs(url: str, concurrency: int, duration: float) -> tuple[int, int, float, list[float]]:
    import warnings

    import httpx

    with warnings.catch_warnings():  # the helpers import Starlette's TestClient, which warns about httpx
        warnings.simplefilter("ignore")
        from tests.api.helpers import SERVICE_TOKEN, record

    latencies: list[float] = []
    errors = 0
    headers = {"Authorization": f"Bearer {SERVICE_TOKEN}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=30,
                                 limits=httpx.Limits(max_connections=concurrency + 2)) as client:
        started = time.monotonic()
        deadline = started + duration

        async def worker() -> None:
            nonlocal errors
            while time.monotonic() < deadline:
                t0 = time.monotonic()
                try:
                    r = await client.post("/api/internal/registrations", json=record(),
                                          headers={"Idempotency-Key": str(uuid.uuid4())})
                    ok = r.status_code == 201
                except httpx.HTTPError:
                    ok = False
                if ok:
                    latencies.append(time.monotonic() - t0)
                else:
                    errors += 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.monotonic() - started
    return len(latencies), errors, elapsed, latencies


# --- 3. staff inbox ---------------------------------------------------------------------------------------
def inbox(url: str, totp_secret: str, requests: int) -> dict[str, list[float]]:
    import httpx
    import pyotp

    with httpx.Client(base_url=url, timeout=60) as client:
        r = client.post("/api/auth/token", data={"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD,
                                                 "otp": pyotp.TOTP(totp_secret).now()})
        r.raise_for_status()
        client.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        queries = {
            "GET /api/registrations (page 1)": "/api/registrations",
            "  ?status=new&region=utrecht": "/api/registrations?status=new&region=utrecht",
            "  ?event_kind=violence&max_age_days=90": "/api/registrations?event_kind=violence&max_age_days=90",
            "  ?untouched=true": "/api/registrations?untouched=true",
            "  ?reference=K7 (substring search)": "/api/registrations?reference=K7",
            "  page 100": "/api/registrations?page=100",
            "GET /api/registrations/counts": "/api/registrations/counts",
        }
        out: dict[str, list[float]] = {}
        for label, path in queries.items():
            client.get(path).raise_for_status()  # warm-up
            times = []
            for _ in range(requests):
                t0 = time.monotonic()
                r = client.get(path)
                times.append(time.monotonic() - t0)
                r.raise_for_status()
            out[label] = times
        total = client.get("/api/registrations?page_size=1").json()["total"]
    print(f"inbox total registrations: {total}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of hand-off load")
    parser.add_argument("--requests", type=int, default=100, help="timed requests per inbox query")
    args = parser.parse_args()

    with migrated_schema() as url:
        took = bulk_insert(url, args.rows)
        print(f"bulk insert: {args.rows} registrations (encrypted fields) in {took:.1f}s "
              f"({args.rows / took:.0f} rows/s)", flush=True)
        with backend_with_admin(url, "bench-handoff-") as (_, base, totp):
            done, errors, elapsed, latencies = asyncio.run(hand_offs(base, args.concurrency, args.duration))
            print(f"hand-offs: {done} in {elapsed:.1f}s = {done / elapsed:.1f}/s, errors={errors}, "
                  f"concurrency={args.concurrency}")
            print(line("POST /api/internal/registrations", latencies))
            for label, times in inbox(base, totp, args.requests).items():
                print(line(label, times))


if __name__ == "__main__":
    main()
