"""The chat's counters in the backend: `POST /api/internal/chat-counts` (service token, closed lists, a day, counts
added), and the Chat tables of the Cijfers page, its exports and `GET /api/statistics/chat`, suppressed. Runs on
SQLite and PostgreSQL like every backend test."""
from __future__ import annotations

import pytest

from api.statistics.chat_keys import METRICS
from tests.api.helpers import SERVICE_TOKEN, raw_rows
from tests.api.pages import page_signed_in

SERVICE = {"Authorization": f"Bearer {SERVICE_TOKEN}"}


def send(client, day: str, counts: list[tuple[str, str, int]], headers=SERVICE):
    return client.post("/api/internal/chat-counts", headers=headers,
                       json={"day": day, "counts": [{"metric": m, "key": k, "count": n} for m, k, n in counts]})


def stored(engine) -> dict[tuple[str, str, str], int]:
    return {(str(r["day"]), r["metric"], r["key"]): r["count"] for r in raw_rows(engine, "chat_counts")}


def test_counts_need_the_service_token(client, engine):
    assert send(client, "2026-03-02", [("faq", "cost", 1)], headers={}).status_code == 401
    assert send(client, "2026-03-02", [("faq", "cost", 1)],
                headers={"Authorization": "Bearer " + "x" * 40}).status_code == 401
    assert raw_rows(engine, "chat_counts") == []


@pytest.mark.parametrize("body", [
    {"day": "2026-03-02", "counts": [{"metric": "faq", "key": "Jan de Vries", "count": 1}]},
    {"day": "2026-03-02", "counts": [{"metric": "name", "key": "cost", "count": 1}]},
    {"day": "2026-03-02", "counts": [{"metric": "conversations", "key": "de", "count": 1}]},
    {"day": "2026-03-02", "counts": [{"metric": "faq", "key": "cost", "count": -1}]},
    {"day": "2026-03-02", "counts": [{"metric": "faq", "key": "cost", "count": 10_000_000}]},
    {"day": "2026-03-02", "counts": [{"metric": "faq", "key": "cost", "count": 1, "text": "wat kost het"}]},
    {"day": "2026-03-02", "sender_id": "0b1c", "counts": [{"metric": "faq", "key": "cost", "count": 1}]},
    {"day": "2026-03-02T10:15:00", "counts": [{"metric": "faq", "key": "cost", "count": 1}]},
    {"day": "2999-01-01", "counts": [{"metric": "faq", "key": "cost", "count": 1}]},
    {"day": "2026-03-02", "counts": [{"metric": "faq", "key": "cost", "count": 1}] * 501},
])
def test_only_known_metrics_and_keys_a_day_and_sane_counts(client, engine, body):
    assert client.post("/api/internal/chat-counts", headers=SERVICE, json=body).status_code == 422
    assert raw_rows(engine, "chat_counts") == []


def test_counts_are_added_per_day_metric_and_key(client, engine):
    assert send(client, "2026-03-02", [("faq", "cost", 2), ("conversations", "nl", 3)]).status_code == 204
    counts = [("faq", "cost", 5), ("faq", "cost", 1), ("crisis", "suicide", 1)]
    assert send(client, "2026-03-02", counts).status_code == 204
    assert send(client, "2026-03-03", [("faq", "cost", 4), ("faq", "privacy", 0)]).status_code == 204
    assert stored(engine) == {("2026-03-02", "faq", "cost"): 8, ("2026-03-02", "conversations", "nl"): 3,
                              ("2026-03-02", "crisis", "suicide"): 1, ("2026-03-03", "faq", "cost"): 4}
    assert set(raw_rows(engine, "chat_counts")[0]) == {"day", "metric", "key", "count"}


BASE = [("conversations", "nl", 30), ("faq", "cost", 10), ("intake", "started", 10), ("intake", "summary", 6),
        ("intake", "sent", 5), ("not_understood", "first", 6), ("not_understood", "again", 5)]


def _world(client):
    """Every quarter of 2026 and 2025 the same (so no quarter's count follows from the year's), and in 2026-Q1 a
    few small ones."""
    for day in ("2026-01-15", "2026-04-01", "2026-07-01", "2026-10-01"):
        assert send(client, day, BASE).status_code == 204
    assert send(client, "2026-03-31", [("conversations", "en", 3), ("crisis", "suicide", 2)]).status_code == 204
    for day in ("2025-01-01", "2025-06-30", "2025-09-30", "2025-12-31"):
        assert send(client, day, [("conversations", "nl", 20), ("conversations", "en", 6)]).status_code == 204


def _rows(table: dict) -> dict:
    return {row["key"]: row for row in table["rows"]}


def test_the_chat_figures_api_counts_the_period_and_hides_small_counts(client, desk):
    _world(client)
    admin, intake = desk["admin"][1], desk["intake"][1]
    assert client.get("/api/statistics/chat", params={"period": "2026-Q1"}).status_code == 401
    assert client.get("/api/statistics/chat", params={"period": "2026-Q1"}, headers=intake).status_code == 403
    assert client.get("/api/statistics/chat", params={"period": "2026-Q5"}, headers=admin).status_code == 422
    body = client.get("/api/statistics/chat", params={"period": "2026-Q1"}, headers=admin).json()
    assert (body["period"], body["previous_period"]) == ("2026-Q1", "2025-Q4")
    tables = {t["key"]: t for t in body["tables"]}
    assert set(tables) == set(METRICS)
    faq = _rows(tables["faq"])
    assert faq["cost"]["current"] == {"count": 10, "share": None} and faq["cost"]["previous"]["count"] == "<5"
    assert faq["privacy"]["current"]["count"] == "<5" and "total" not in tables["faq"]
    conversations = _rows(tables["conversations"])
    assert conversations["en"]["current"] == {"count": "<5", "share": None}
    # 30 Dutch of 33 would give the 3 away: one of the two is hidden too, and no share tells it.
    shown = [conversations["nl"]["current"]["count"], tables["conversations"]["total"]["current"]]
    assert not all(isinstance(n, int) for n in shown) and conversations["nl"]["current"]["share"] is None
    assert conversations["nl"]["previous"] == {"count": 20, "share": 77}
    assert tables["conversations"]["total"]["previous"] == 26
    intake_rows = _rows(tables["intake"])
    assert [intake_rows[s]["current"]["count"] for s in ("started", "summary", "sent")] == [10, 6, 5]
    assert "total" not in tables["intake"]
    assert _rows(tables["crisis"])["suicide"]["current"]["count"] == "<5"
    assert [_rows(tables["not_understood"])[k]["current"]["count"] for k in ("first", "again")] == [6, 5]
    year = client.get("/api/statistics/chat", params={"period": "2026"}, headers=admin).json()
    assert _rows({t["key"]: t for t in year["tables"]}["faq"])["cost"]["current"]["count"] == 40


def test_the_page_and_exports_show_the_chat_section(client, db):
    _world(client)
    page_client, _ = page_signed_in(client, db, "intake")
    page = page_client.get("/staff/cijfers?jaar=2026&kwartaal=1")
    assert page.status_code == 200
    chat = page.text[page.text.index('<h2 id="chat">'):]
    assert "Gesprekken in de chat" in chat and "Wat kost het?" in chat and "Crisisantwoorden" in chat
    assert "<td>&lt;5</td>" in chat and "<svg" in chat
    csv_text = page_client.get("/staff/cijfers.csv?jaar=2026&kwartaal=1").text
    assert "Wat kost het?;10;;<5;" in csv_text and "Hoe kwam de aanmelding binnen?" in csv_text
    assert "Zelfdoding;<5;;<5;" in csv_text and "Verstuurd;5;;<5;" in csv_text
