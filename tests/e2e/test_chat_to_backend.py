"""The whole path on real parts: a visitor registers through POST /api/chat (backend → Rasa → action server →
hand-off), and staff read the registration through the staff API. Nothing identifying is left in plain text in the
database file or in any process's log."""
from __future__ import annotations

import httpx

from tests import stack
from tests.e2e.helpers import SECRET_VALUES, lines_with_client_address, register_through_chat
from tests.intake_script import BUTTONS, asked


def test_registration_through_chat_reaches_staff(full_stack, sender):
    reference = register_through_chat(full_stack, sender)

    token = full_stack.staff_token()
    headers = {"Authorization": f"Bearer {token}"}
    listing = httpx.get(f"{full_stack.backend_url}/api/registrations", headers=headers, timeout=10).json()
    item = next(i for i in listing["items"] if i["reference"] == reference)
    record = httpx.get(f"{full_stack.backend_url}/api/registrations/{item['id']}", headers=headers, timeout=10).json()
    assert record["source"] == "chat" and record["kind"] == "registration"
    assert record["phone"] == "+31648765432" and record["email"] is None  # a number: no address asked
    assert record["name"] == SECRET_VALUES["name"] and record["description"] == SECRET_VALUES["description"]
    assert record["role"] == "affected" and record["region"] == "utrecht" and record["consent"] is True

    # Without a token the same record is refused.
    assert httpx.get(f"{full_stack.backend_url}/api/registrations/{item['id']}", timeout=10).status_code == 401

    # Neither the database file (with its WAL) nor any log holds what the visitor typed.
    stored = b"".join(p.read_bytes() for p in full_stack.db_path.parent.glob("intake.sqlite3*"))
    logs = full_stack.logs()
    for value in [*SECRET_VALUES.values(), "+31648765432", "648765432", "Kees-Zeldzaam"]:
        assert value.encode() not in stored, f"{value!r} in plain text in the database file"
        assert value not in logs, f"{value!r} in a log"
    # Nor does the backend's log put the visitor's address next to "registration created" (no access log).
    backend_log = full_stack.processes["backend"].log_text()
    assert "registration created" in backend_log and lines_with_client_address(backend_log) == []


def test_chat_refuses_bad_input_without_reaching_rasa(full_stack):
    r = httpx.post(f"{full_stack.backend_url}/api/chat", json={"sender": "not-a-uuid", "message": "hoi"}, timeout=10)
    assert r.status_code == 422
    r = httpx.post(f"{full_stack.backend_url}/api/chat",
                   json={"sender": "9b2f7a64-3c6e-4d8e-9f3a-2b1c0d4e5f60", "message": "x" * 2001}, timeout=10)
    assert r.status_code == 422


def test_typed_text_with_a_leading_slash_is_text_and_never_logged(full_stack, sender):
    """A message starting with "/" that is not one of the buttons' payloads is what the visitor typed: Rasa takes it
    as text (the slash dropped) and no log quotes it, as Rasa's own channel would."""
    typed = {"description": "/Op het feest drong Kees-Schuinstreep aan.", "name": "/Noor-Schuinstreep",
             "phone": "//06 47654321", "email": "/noor.schuin@voorbeeld-e2e.nl"}
    answers = BUTTONS | typed
    text = "\n".join(r.get("text", "") for r in full_stack.chat(sender, "/start_registration"))
    for _ in range(25):
        question = asked(text)
        assert question, f"unexpected reply: {text!r}"
        if question == "summary":
            break
        text = "\n".join(r.get("text", "") for r in full_stack.chat(sender, answers[question]))
    assert "Noor-Schuinstreep" in text and "/Noor" not in text and "+31647654321" in text

    # Payload look-alikes that are not ours: typed text too, never an error.
    for message in ('/change_answer{"field":"Noor-Schuinstreep"}', "/stop@0.1 Noor-Schuinstreep", "/noor", "/"):
        assert isinstance(full_stack.chat(sender, message), list)

    logs = full_stack.logs()
    for value in ("Schuinstreep", "47654321", "noor.schuin", "/noor"):
        assert value not in logs, f"{value!r} in a log"


def test_rasa_and_the_action_server_answer_only_with_the_bot_secret(full_stack, sender):
    """The real processes, as `make run` starts them: without INTAKE_BOT_SECRET nobody else on the network talks to
    Rasa's REST channel or the action server (the registration above went through both with it)."""
    secret = stack.TEST_ENV["INTAKE_BOT_SECRET"]
    body = {"sender": sender, "message": "Kees-Geheimloos"}
    for headers in ({}, {"X-Intake-Secret": "x" * len(secret)}):
        r = httpx.post(f"{full_stack.rasa_url}/webhooks/rest/webhook", json=body, headers=headers, timeout=10)
        assert (r.status_code, r.content) == (401, b"")
        r = httpx.get(f"{full_stack.rasa_url}/webhooks/rest/", headers=headers, timeout=10)
        assert (r.status_code, r.content) == (401, b"")
        r = httpx.post(full_stack.actions_url, json={"next_action": "action_submit_intake", "sender_id": sender},
                       headers=headers, timeout=10)
        assert (r.status_code, r.content) == (401, b"")
    r = httpx.post(f"{full_stack.rasa_url}/webhooks/rest/webhook", json=body, timeout=30,
                   headers={"X-Intake-Secret": secret})
    assert r.status_code == 200 and isinstance(r.json(), list)
    logs = full_stack.logs()
    assert "Kees-Geheimloos" not in logs and secret not in logs
