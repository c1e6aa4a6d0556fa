"""The hand-off action: outbox first, honest message with the code, every answer wiped afterwards."""
from __future__ import annotations

import re

import pytest

from tests import stack
from tests.actions.helpers import ANSWERED, handoff

pytestmark = pytest.mark.asyncio
CODE = re.compile(r"^PH-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}$")
FINISHED = [{"event": "active_loop", "name": "intake_form"}, {"event": "active_loop", "name": None}]


def wiped(result):
    return result[0]["event"] == "reset_slots" and result[1] == {**result[1], "name": "language", "value": "nl"}


async def test_consent_delivers_the_record_and_shows_the_code(standin, backend_env):
    outbox = backend_env(standin.url)
    messages, result = await handoff({**ANSWERED, "summary_ok": "yes", "consent": "yes"})
    (message,) = messages
    assert message["response"] == "utter_handoff_delivered" and CODE.match(message["reference"])
    (request,) = standin.requests
    record = request["body"]
    assert record["reference"] == message["reference"]
    assert record | {"consent_at": None} == {
        "reference": message["reference"], "kind": "registration", "source": "chat", "role": "affected",
        "on_behalf": False, "client_consent": False, "referrer_organisation": None, "client_role": "unknown",
        "event_kind": "sexual_boundary",
        "setting": "work", "when_happened": "unknown", "other_party_known": "unknown", "procedures": "unknown",
        "contact_form": "unknown", "description": None, "name": "Sam", "phone": "+31612345678", "email": None,
        "voicemail_ok": "no", "email_ok": "unknown", "call_time": "afternoon", "region": "utrecht",
        "language": "nl", "consent": True, "consent_at": None, "consent_version": "2026-11-v1"}
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$", record["consent_at"])
    assert outbox.get(request["key"]).state == "delivered"
    assert wiped(result)


async def test_backend_down_still_gives_the_code_and_keeps_the_item(backend_env):
    outbox = backend_env(f"http://127.0.0.1:{stack.free_port()}")
    messages, result = await handoff({"name": "unknown", "phone": "+31612345678", "voicemail_ok": "yes",
                                      "call_time": "any", "summary_ok": "yes", "consent": "yes"}, "callback_form")
    (message,) = messages
    assert message["response"] == "utter_handoff_pending_callback" and CODE.match(message["reference"])
    (key,) = outbox.due(now=float("inf"))
    item = outbox.get(key)
    assert item.state == "pending" and item.reference == message["reference"]
    record = outbox.record(key)
    assert record["kind"] == "callback" and record["role"] == "unknown" and record["phone"] == "+31612345678"
    assert wiped(result)


async def test_referral_record(standin, backend_env):
    backend_env(standin.url)
    await handoff({"referrer_organisation": "Slachtofferhulp", "name": "Kim", "phone": "unknown",
                   "email": "kim@example.org", "email_ok": "yes", "client_consent": "yes", "event_kind": "traffic",
                   "region": "unknown", "summary_ok": "yes", "consent": "yes"}, "referral_form")
    record = standin.requests[0]["body"]
    assert (record["role"], record["on_behalf"], record["client_consent"]) == ("professional", True, True)
    assert record["referrer_organisation"] == "Slachtofferhulp" and record["email"] == "kim@example.org"
    assert record["phone"] is None and record["region"] == "unknown" and record["setting"] == "unknown"


async def test_declined_consent_sends_and_stores_nothing(standin, backend_env):
    outbox = backend_env(standin.url)
    messages, result = await handoff({**ANSWERED, "summary_ok": "yes", "consent": "no"})
    assert [m["response"] for m in messages] == ["utter_consent_declined"]
    assert standin.requests == [] and outbox.due(now=float("inf")) == []
    assert wiped(result)


async def test_a_referral_without_the_clients_consent_yet_sends_nothing_and_says_what_next(standin, backend_env):
    outbox = backend_env(standin.url)
    messages, result = await handoff({"client_consent": "no"}, "referral_form")
    assert [m["response"] for m in messages] == ["utter_client_consent_not_yet"]
    assert standin.requests == [] and outbox.due(now=float("inf")) == []
    assert wiped(result)
