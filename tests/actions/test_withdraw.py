"""Withdrawing the registration of this conversation: only the code in the slot, through the outbox, never before
its hand-off (backend down at withdraw time, then up), against a real HTTP stand-in of the backend."""
from __future__ import annotations

import sqlite3

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.backend import REGISTRATIONS_PATH, Delivery
from actions.handoff import REFERENCE_SLOT, wipe
from actions.outbox import DEAD, DELIVERED, HANDOFF, PENDING, WITHDRAWAL, Outbox
from actions.withdraw import ActionOfferWithdrawal, ActionWithdrawRegistration
from tests import stack
from tests.actions.helpers import ANSWERED, StandIn, back_after_outage, handoff, make_tracker, settings_for

REFERENCE = "PH-ABCD-2345"
RECORD = {"reference": REFERENCE, "kind": "registration", "phone": "+31687654321", "name": "Sam"}


def paths(server: StandIn) -> list[str]:
    return ["withdrawal" if r["path"].endswith("/withdrawal") else r["path"] for r in server.requests]


# --- the outbox: deliver, then withdraw --------------------------------------------------------------

def test_backend_down_at_withdraw_time_then_up_delivers_then_withdraws(tmp_path):
    port = stack.free_port()  # nothing listens yet: the hand-off and the withdrawal both wait
    outbox = Outbox(settings_for(f"http://127.0.0.1:{port}", tmp_path / "outbox.sqlite3", retry_base=0.1))
    outbox.add("hand-off", REFERENCE, RECORD, hold=0)
    assert outbox.attempt("hand-off") is Delivery.RETRY
    outbox.add_withdrawal("withdrawal", REFERENCE, hold=0)
    assert outbox.attempt("withdrawal") is Delivery.RETRY
    # The withdrawal was not even tried while its registration had not arrived; it is not due before it either.
    assert outbox.get("withdrawal").attempts == 0 and outbox.get("withdrawal").action == WITHDRAWAL
    assert outbox.due(now=float("inf")) == ["hand-off"]

    # The first answer after the outage is still an error.
    server = back_after_outage(outbox, port, lambda _: outbox.get("withdrawal").state == DELIVERED, faults=["500"])
    assert paths(server) == [REGISTRATIONS_PATH, REGISTRATIONS_PATH, "withdrawal"]
    assert server.withdrawn == [REFERENCE] and len(server.created) == 1
    assert outbox.get("hand-off").state == DELIVERED


def test_withdrawing_at_once_sends_a_pending_hand_off_first(tmp_path, standin):
    outbox = Outbox(settings_for(standin.url, tmp_path / "outbox.sqlite3"))
    outbox.add("hand-off", REFERENCE, RECORD, hold=30)  # e.g. its first attempt was lost with a restart
    outbox.add_withdrawal("withdrawal", REFERENCE, hold=30)
    assert outbox.attempt("withdrawal") is Delivery.DELIVERED
    assert paths(standin) == [REGISTRATIONS_PATH, "withdrawal"]
    assert standin.requests[1]["auth"] == f"Bearer {stack.TEST_ENV['INTAKE_SERVICE_TOKEN']}"
    assert standin.requests[1]["path"] == f"/api/internal/registrations/{REFERENCE}/withdrawal"
    assert (outbox.get("hand-off").state, outbox.get("withdrawal").state) == (DELIVERED, DELIVERED)
    assert outbox.drain() == 0 and len(standin.requests) == 2  # nothing is sent twice


def test_backend_down_after_the_hand_off_keeps_the_withdrawal_for_the_retry_loop(tmp_path):
    port = stack.free_port()
    server = StandIn(port=port).start()
    outbox = Outbox(settings_for(server.url, tmp_path / "outbox.sqlite3", retry_base=0.1))
    outbox.add("hand-off", REFERENCE, RECORD, hold=0)
    assert outbox.attempt("hand-off") is Delivery.DELIVERED
    server.stop()
    outbox.add_withdrawal("withdrawal", REFERENCE, hold=0)
    assert outbox.attempt("withdrawal") is Delivery.RETRY
    item = outbox.get("withdrawal")
    assert item.state == PENDING and item.attempts == 1
    # The backend kept what it had.
    server = back_after_outage(outbox, port, lambda _: outbox.get("withdrawal").state == DELIVERED,
                               created={"hand-off": RECORD})
    assert server.withdrawn == [REFERENCE]


def test_a_refused_withdrawal_is_dead_but_not_reported_as_a_lost_registration(tmp_path, standin):
    outbox = Outbox(settings_for(standin.url, tmp_path / "outbox.sqlite3"))
    outbox.add_withdrawal("withdrawal", "PH-ZZZZ-2345", hold=0)  # the backend does not know it: 404
    assert outbox.attempt("withdrawal") is Delivery.REJECTED
    assert outbox.get("withdrawal").state == DEAD
    assert outbox.unreported() == [] and outbox.report() == 0


def test_an_outbox_file_from_before_withdrawals_gets_the_column(tmp_path):
    path = tmp_path / "outbox.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE outbox (idempotency_key TEXT PRIMARY KEY, reference TEXT NOT NULL, payload BLOB"
                   " NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at REAL NOT"
                   " NULL, last_status INTEGER, created_at REAL NOT NULL, updated_at REAL NOT NULL, reported TEXT)")
        db.execute("INSERT INTO outbox VALUES ('old', ?, X'00', 'pending', 0, 0, NULL, 0, 0, NULL)", (REFERENCE,))
    outbox = Outbox(settings_for("http://127.0.0.1:9", path))
    assert outbox.get("old").action == HANDOFF and outbox.pending_handoff(REFERENCE) == "old"


# --- the actions -------------------------------------------------------------------------------------

async def run(action, slots):
    dispatcher = CollectingDispatcher()
    result = await action.run(dispatcher, make_tracker(slots, form=None), {})
    return dispatcher.messages, result


@pytest.mark.asyncio
async def test_without_a_registration_in_this_conversation_the_answer_is_phone_or_mail(backend_env, standin):
    backend_env(standin.url)
    for action in (ActionOfferWithdrawal(), ActionWithdrawRegistration()):
        (message,), events = await run(action, {})
        assert message["response"] == "utter_faq/withdraw" and events == []
    assert standin.requests == []


@pytest.mark.asyncio
async def test_register_then_withdraw_the_code_of_this_conversation(backend_env, standin):
    outbox = backend_env(standin.url)
    (handed,), events = await handoff({**ANSWERED, "summary_ok": "yes", "consent": "yes"})
    reference = handed["reference"]
    assert events[-1] == {**events[-1], "name": REFERENCE_SLOT, "value": reference}
    (asked,), _ = await run(ActionOfferWithdrawal(), {REFERENCE_SLOT: reference})
    assert asked["response"] == "utter_withdraw_confirm" and asked["reference"] == reference
    (done,), events = await run(ActionWithdrawRegistration(), {REFERENCE_SLOT: reference})
    assert done == {**done, "response": "utter_withdraw_done", "reference": reference} and events == []
    assert standin.withdrawn == [reference]
    assert [outbox.get(r["key"]).state for r in standin.requests if r["key"]] == [DELIVERED]


@pytest.mark.asyncio
async def test_withdraw_with_the_backend_down_says_it_is_noted_and_the_retry_loop_sends_it(backend_env):
    port = stack.free_port()
    outbox = backend_env(f"http://127.0.0.1:{port}")
    (handed,), _ = await handoff({**ANSWERED, "summary_ok": "yes", "consent": "yes"})
    assert handed["response"] == "utter_handoff_pending"
    reference = handed["reference"]
    (noted,), _ = await run(ActionWithdrawRegistration(), {REFERENCE_SLOT: reference})
    assert noted["response"] == "utter_withdraw_pending" and noted["reference"] == reference
    # The first-attempt hold of both items is 30 s: the retry loop is asked to look now.
    server = back_after_outage(outbox, port, lambda server: server.withdrawn == [reference], look_now=True)
    assert paths(server) == [REGISTRATIONS_PATH, "withdrawal"]


@pytest.mark.asyncio
async def test_a_refused_withdrawal_points_to_phone_and_mail(backend_env, standin):
    backend_env(standin.url)
    (message,), _ = await run(ActionWithdrawRegistration(), {REFERENCE_SLOT: "PH-ZZZZ-2345"})
    assert message["response"] == "utter_withdraw_failed" and message["reference"] == "PH-ZZZZ-2345"


def test_wiping_the_answers_keeps_the_code_so_it_can_still_be_withdrawn():
    tracker = make_tracker({"language": "en", "name": "Sam", REFERENCE_SLOT: REFERENCE}, form=None)
    events = wipe(tracker)
    assert events[0]["event"] == "reset_slots"
    assert {e["name"]: e["value"] for e in events[1:]} == {"language": "en", REFERENCE_SLOT: REFERENCE}
    assert len(wipe(make_tracker({}, form=None))) == 2
