"""The chat's own figures: a Rasa event broker (bot/endpoints*.yml) that turns tracker events into counts per day.

Rasa hands every new event of a turn to `publish`, in order, the events an action produced right after that
action's own event. Each event becomes zero or more counter keys (metric, key) from closed lists
(api/statistics/chat_keys.py): a response name, an intent name, a form name, the language code. Never the text, the
sender id or an entity's value. Every stage is counted on the event that enters it, which happens once per
conversation by construction, so nothing about a conversation is remembered and several Rasa processes sharing
Redis count correctly.

Counts are kept in memory and added to the backend's (`POST /api/internal/chat-counts`) every `flush_interval`
seconds and at shutdown. While the backend does not answer they stay and go with the next flush. Counting can never
slow or fail a turn: `publish` only adds to a dict, and any error in it is swallowed."""
from __future__ import annotations

import asyncio
import logging
import os
from collections import Counter
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from rasa.core.brokers.broker import EventBroker
from rasa.utils.endpoints import EndpointConfig

log = logging.getLogger(__name__)

PATH = "/api/internal/chat-counts"
DUTCH = ZoneInfo("Europe/Amsterdam")  # the day as the foundation's figures have it
KEEP_DAYS = 14  # while the backend is away: older days are dropped, so memory stays bounded
FORMS = {"intake_form": "intake", "referral_form": "referral", "callback_form": "callback"}
CRISIS = ("suicide", "danger", "sexual_violence", "domestic_violence", "general", "emergency")
EXPLORE_ENTITIES = ("explore_role", "explore_event", "explore_when")
# The hand-off's answers (actions/handoff.py): stored or queued counts as sent; a refused one does not.
SENT = {"utter_handoff_delivered", "utter_handoff_pending", "utter_handoff_delivered_callback",
        "utter_handoff_pending_callback"}


def _config() -> tuple[str, str]:
    """The backend's address and the service token, as the action server reads them (actions/config.py)."""
    return (os.environ.get("INTAKE_BACKEND_URL", "http://127.0.0.1:8000").rstrip("/"),
            os.environ.get("INTAKE_SERVICE_TOKEN", ""))


class Reader:
    """Turns the event stream into counter keys. Its only state is the action whose events follow and the last
    form that ran in the current turn: both come from the same turn's events, never from an earlier turn."""

    def __init__(self) -> None:
        self.action: str | None = None
        self.form: str | None = None
        self.starts_exploring = False  # the turn's message would start "is this for me" if action_explore runs

    def keys(self, event: dict[str, Any]) -> list[tuple[str, str]]:
        kind = event.get("event")
        if kind == "user":
            self.action = self.form = None
            self.starts_exploring = self._starts_exploring(event.get("parse_data") or {}, event.get("text") or "")
            return []
        if kind == "action":
            self.action = event.get("name")
            if self.action in FORMS:
                self.form = self.action
            if self.action == "action_explore" and self.starts_exploring:
                self.starts_exploring = False
                return [("explore", "started")]
            return []
        if kind == "slot":
            return self._slot(event.get("name"), event.get("value"))
        if kind == "bot":
            return self._said((event.get("metadata") or {}).get("utter_action") or "")
        return []

    @staticmethod
    def _starts_exploring(parse: dict, text: str) -> bool:
        # "Is this for me" starts with a typed question or the button without an answer (actions/explore.py);
        # the answers to its three questions are buttons that carry one. Counted only when action_explore runs: a
        # form's free-text answer may be classified `explore` and is still the form's.
        if (parse.get("intent") or {}).get("name") != "explore":
            return False
        answered = any(e.get("entity") in EXPLORE_ENTITIES for e in parse.get("entities") or [])
        return not (text.startswith("/") and answered)

    def _slot(self, name: str | None, value: Any) -> list[tuple[str, str]]:
        if name == "language" and self.action == "action_session_start" and value in ("nl", "en"):
            return [("conversations", value)]
        # The summary confirmed, as the form's validation sets it (once: after "yes" comes consent, then the end).
        if name == "summary_ok" and value == "yes" and self.action in FORMS:
            return [(FORMS[self.action], "summary")]
        return []

    def _said(self, response: str) -> list[tuple[str, str]]:
        if response.startswith("utter_faq/"):
            return [("faq", response.removeprefix("utter_faq/"))]
        if response in ("utter_intake_intro", "utter_referral_intro", "utter_callback_intro"):
            return [(response.removeprefix("utter_").removesuffix("_intro"), "started")]
        if response in SENT:
            flow = "callback" if response.endswith("_callback") else FORMS.get(self.form or "", "intake")
            return [(flow, "sent")]
        if response == "utter_explore_offer":
            return [("explore", "result")]
        if response.startswith("utter_crisis_") and response.removeprefix("utter_crisis_") in CRISIS:
            return [("crisis", response.removeprefix("utter_crisis_"))]
        if response == "utter_ask_crisis_answer":
            return [("crisis", "check")]
        if response in ("utter_fallback_suggest", "utter_fallback_explore"):
            return [("not_understood", "first")]
        if response == "utter_fallback_phone":
            return [("not_understood", "again")]
        return []


class ChatCounters(EventBroker):
    def __init__(self, backend_url: str, token: str, flush_interval: float = 5.0, timeout: float = 5.0) -> None:
        self.backend_url, self.token = backend_url, token
        self.flush_interval, self.timeout = float(flush_interval), float(timeout)
        self.reader = Reader()
        self.counts: dict[date, Counter] = {}
        self._task: asyncio.Task | None = None
        self._client: httpx.AsyncClient | None = None

    @classmethod
    async def from_endpoint_config(cls, broker_config: EndpointConfig, event_loop=None) -> ChatCounters:
        backend_url, token = _config()
        # Nothing is contacted here: Rasa starts whether or not the backend is up.
        return cls(backend_url, token, **{k: v for k, v in broker_config.kwargs.items()
                                          if k in ("flush_interval", "timeout")})

    def publish(self, event: dict[str, Any]) -> None:
        try:
            keys = self.reader.keys(event)
            if keys:
                day = datetime.now(DUTCH).date()
                self.counts.setdefault(day, Counter()).update(keys)
                self._start()
        except Exception as exc:  # noqa: BLE001 - a counter must never fail a turn
            # Its class only: a traceback or message could quote the event, which holds what the visitor typed.
            log.error("chat counters: event not counted (%s)", type(exc).__name__)

    def _start(self) -> None:
        if self._task is None or self._task.done():
            try:
                self._task = asyncio.get_running_loop().create_task(self._loop())
            except RuntimeError:  # no running loop (a tool outside the server): counts wait for close()
                pass

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.flush_interval)
            await self.flush()

    async def flush(self) -> None:
        """Send what was counted; keep what the backend did not take, to send with the next flush."""
        pending, self.counts = self.counts, {}
        for day in sorted(pending):
            if not await self._send(day, pending[day]):
                for later in (d for d in sorted(pending) if d >= day):
                    self.counts.setdefault(later, Counter()).update(pending[later])
                break
        for day in sorted(self.counts)[:-KEEP_DAYS]:
            del self.counts[day]

    async def _send(self, day: date, counts: Counter) -> bool:
        """True when the counts are done with: stored, or refused (sending again would not help)."""
        if not self.token:
            return False
        body = {"day": day.isoformat(),
                "counts": [{"metric": m, "key": k, "count": n} for (m, k), n in sorted(counts.items())]}
        try:
            if self._client is None:
                self._client = httpx.AsyncClient(timeout=self.timeout)
            response = await self._client.post(self.backend_url + PATH, json=body,
                                               headers={"Authorization": f"Bearer {self.token}"})
        except httpx.HTTPError as exc:
            log.info("chat counters not sent: %s", type(exc).__name__)
            return False
        if response.status_code in (408, 429) or response.status_code >= 500:
            log.info("chat counters not sent: HTTP %s", response.status_code)
            return False
        if response.status_code >= 300:
            log.warning("chat counters refused: HTTP %s", response.status_code)
        return True

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
        await self.flush()
        if self._client is not None:
            await self._client.aclose()
            self._client = None
