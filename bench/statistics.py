"""The Cijfers page on PostgreSQL: render time for a year with 100,000 registrations.

    .venv/api/bin/python -m bench.statistics [--rows 100000] [--requests 50]

Works in a schema `bench_<random>` of the database `test` on 127.0.0.1:5432 (trust auth), migrated with Alembic and
dropped at the end. Counts --rows made-up registrations for 2026 and as many for 2025 (the page compares with the
year before) into the statistics tables (a row per combination of categories with its count), starts the backend
(tests/stack.py), signs in as an admin and times `GET /staff/cijfers`
for the year (and for a quarter, and `GET /api/statistics`), one request at a time. The page reads only the
statistics tables, so no registrations are needed. Prints p50/p95/p99 and the backend's CPU time per request
(steadier when other work shares the machine; PostgreSQL's own CPU is not in it); the last line is the year
page's p95.
"""
from __future__ import annotations

import argparse
import os
import random
import time
from collections import Counter

from bench.handoff import ADMIN_EMAIL, ADMIN_PASSWORD, backend_with_admin, line, migrated_schema, pct

TARGET_MS = 300


def _weighted(rng: random.Random, options: dict[str, float]) -> str:
    return rng.choices(list(options), list(options.values()))[0]


def bulk_insert(database_url: str, rows: int, years=(2025, 2026), seed: int = 42) -> dict[str, int]:
    """`rows` made-up registrations per year, with shares like the annual report's, counted per combination of
    categories as the application counts them (api.statistics.service); returns the rows per table."""
    from api.core.db import make_engine
    from api.statistics.service import TABLES

    rng = random.Random(seed)
    provinces = ["drenthe", "flevoland", "friesland", "gelderland", "groningen", "limburg", "noord-brabant",
                 "noord-holland", "overijssel", "utrecht", "zeeland", "zuid-holland", "abroad", "unknown"]
    forms = ["conversation", "group_meeting", "letters", "shuttle", "video_message"]
    counted = {model: Counter() for model, _ in TABLES}
    for year in years:
        for _ in range(rows):
            role = _weighted(rng, {"affected": 12, "caused": 8, "close_one": 2, "witness": 0.5,
                                   "organisation": 0.5, "professional": 77, "unknown": 1})
            outcome = _weighted(rng, {"taken_on": 77, "declined": 22.5, "erased_open": 0.5})
            contact = outcome == "taken_on" and rng.random() < 0.34
            used = set(rng.sample(forms, rng.choice([1, 1, 2]))) if contact else set()
            row = {
                "year": year, "quarter": rng.randint(1, 4),
                "channel": _weighted(rng, {"chat": 30, "webform": 70}),
                "kind": _weighted(rng, {"registration": 90, "callback": 10}), "role": role,
                "referrer": _weighted(rng, {"victim_support": 40, "probation": 25, "judicial": 15,
                                            "child_protection": 5, "other": 10, "unknown": 5})
                if role == "professional" else "none",
                "event_kind": _weighted(rng, {"violence": 40, "domestic_violence": 10, "sexual_violence": 15,
                                              "sexual_boundary": 6, "traffic": 14, "theft_burglary": 5,
                                              "medical": 2, "other": 7, "unknown": 1}),
                "language": _weighted(rng, {"nl": 97, "en": 3}), "province": rng.choice(provinces),
                "outcome": outcome,
                "decline_reason": rng.choice(["duplicate", "out_of_scope", "no_other_party_details",
                                              "awaiting_prosecutor", "other"]) if outcome == "declined" else "none",
                "initiative": _weighted(rng, {"affected": 41, "caused": 58, "other": 1})
                if outcome == "taken_on" else "unknown",
                "contact_made": ("yes" if contact else "no") if outcome == "taken_on" else "none",
                **{f"form_{f}": f in used for f in forms}}
            for model, names in TABLES:
                counted[model][tuple(row[n] for n in ("year", "quarter", *names))] += 1
    engine = make_engine(database_url)
    with engine.begin() as conn:
        for model, names in TABLES:
            columns = ("year", "quarter", *names)
            conn.execute(model.__table__.insert(), [dict(zip(columns, key, strict=True), count=n)
                                                    for key, n in counted[model].items()])
    # Tables filled over a year have been vacuumed and analysed by autovacuum.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for model, _ in TABLES:
            conn.exec_driver_sql(f"VACUUM ANALYZE {model.__tablename__}")
    engine.dispose()
    return {model.__tablename__: len(c) for model, c in counted.items()}


def timed(url: str, token: str, requests: int, backend) -> tuple[dict[str, list[float]], dict[str, float]]:
    """Latencies per path, and the backend's CPU time per request (steadier than latency on a busy machine; the
    database server's own CPU is not in it)."""
    import httpx

    from bench.chat import cpu_seconds

    paths = {"GET /staff/cijfers?jaar=2026 (year)": ("/staff/cijfers?jaar=2026", "cookie"),
             "GET /staff/cijfers?jaar=2026&kwartaal=3": ("/staff/cijfers?jaar=2026&kwartaal=3", "cookie"),
             "GET /api/statistics?period=2026": ("/api/statistics?period=2026", "bearer")}
    out, cpu = {}, {}
    with httpx.Client(base_url=url, timeout=60) as client:
        for label, (path, how) in paths.items():
            # The workspace cookie holds the same session token the API hands out as a bearer token.
            kwargs = ({"cookies": {"ph_staff": token}} if how == "cookie"
                      else {"headers": {"Authorization": f"Bearer {token}"}})
            client.get(path, **kwargs).raise_for_status()  # warm-up
            times, cpu_before = [], cpu_seconds({"backend": backend})["backend"]
            for _ in range(requests):
                t0 = time.monotonic()
                r = client.get(path, **kwargs)
                times.append(time.monotonic() - t0)
                r.raise_for_status()
            out[label] = times
            cpu[label] = 1000 * (cpu_seconds({"backend": backend})["backend"] - cpu_before) / requests
        client.cookies.clear()
    return out, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="registrations per year (2026 and 2025)")
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page")
    args = parser.parse_args()

    import httpx
    import pyotp

    with migrated_schema() as url:
        started = time.monotonic()
        tables = bulk_insert(url, args.rows)
        print(f"bulk insert: {args.rows} registrations for 2026 and for 2025 as counts "
              f"({', '.join(f'{n} rows in {t}' for t, n in tables.items())}) in {time.monotonic() - started:.1f}s",
              flush=True)
        with backend_with_admin(url, "bench-statistics-") as (backend, base, totp):
            r = httpx.post(f"{base}/api/auth/token", data={"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD,
                                                           "otp": pyotp.TOTP(totp).now()})
            r.raise_for_status()
            results, cpu = timed(base, r.json()["access_token"], args.requests, backend)
        for label, times in results.items():
            print(f"{line(label, times)}  backend CPU {cpu[label]:5.0f} ms/request")
        print(f"load average during the run: {os.getloadavg()[0]:.1f} (cores: {os.cpu_count()})")
        year_p95 = pct(next(iter(results.values())), 95)
        print(f"cijfers_year_p95_ms={year_p95:.0f} target={TARGET_MS} {'ok' if year_p95 <= TARGET_MS else 'SLOW'}")


if __name__ == "__main__":
    main()
