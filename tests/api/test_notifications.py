"""Mails after the hand-off, against a real local SMTP server (aiosmtpd): the desk gets a link and the reference
code only; the registrant gets a confirmation only when they gave an e-mail address and said mail is safe; a mail
server that is down never fails the hand-off."""
from __future__ import annotations

import logging
import re

import api.models  # noqa: F401  (every table, so the fixtures can empty them in order)
from tests import stack
from tests.api.helpers import DESK, PUBLIC_URL, hand_off, record


def test_the_desk_gets_a_link_and_the_reference_only(smtp, client):
    body = record(email="sanne.mail@voorbeeld.nl", email_ok="no", name="Sanne-Uniek")
    created = hand_off(client, body)
    assert created.status_code == 201
    rid, reference = created.json()["id"], created.json()["reference"]
    [mail] = smtp.to(DESK)
    assert mail["Subject"] == f"Nieuwe aanmelding {reference}" and mail["From"] == "intake@example.org"
    text = mail.get_content()
    assert f"{PUBLIC_URL}/staff/aanmeldingen/{rid}" in text and reference in text
    for personal in ("Sanne-Uniek", "sanne.mail", "612345678", "trainer", "sport", "utrecht", "Utrecht"):
        assert personal not in mail.as_string()
    # email_ok is "no": no confirmation to the registrant.
    assert smtp.to("sanne.mail@voorbeeld.nl") == []


def test_confirmation_only_when_mail_is_safe(smtp, client):
    safe = hand_off(client, record(email="veilig@voorbeeld.nl", email_ok="yes", language="en")).json()
    hand_off(client, record(email="onbekend@voorbeeld.nl", email_ok="unknown"))
    hand_off(client, record(email_ok="yes"))  # no address given: nothing to send to
    [confirmation] = smtp.to("veilig@voorbeeld.nl")
    assert confirmation["Subject"] == "We received your registration"
    assert safe["reference"] in confirmation.get_content()
    assert "trainer" not in confirmation.as_string() and "Sanne" not in confirmation.as_string()
    assert smtp.to("onbekend@voorbeeld.nl") == []
    assert len(smtp.to(DESK)) == 3


def test_a_repeated_hand_off_sends_nothing_again(smtp, client):
    body = record()
    assert hand_off(client, body, key="6f1c1f0e-0d5c-4f4e-9a57-4d1b8e0c2a11").status_code == 201
    assert hand_off(client, body, key="6f1c1f0e-0d5c-4f4e-9a57-4d1b8e0c2a11").status_code == 200
    assert len(smtp.to(DESK)) == 1


def test_a_mail_server_that_is_down_does_not_fail_the_hand_off(env, monkeypatch, client, caplog):
    caplog.set_level(logging.INFO)
    monkeypatch.setattr(client.app.state.settings, "smtp_host", "127.0.0.1")
    monkeypatch.setattr(client.app.state.settings, "smtp_port", stack.free_port())  # nothing listens
    monkeypatch.setattr(client.app.state.settings, "desk_email", DESK)
    r = hand_off(client, record(email="down@voorbeeld.nl", email_ok="yes", name="Niet-Loggen"))
    assert r.status_code == 201
    failures = [rec.getMessage() for rec in caplog.records if rec.name == "api.notifications"]
    assert failures == [f"mail for registration id={r.json()['id']} not sent: ConnectionRefusedError"]
    assert "down@voorbeeld.nl" not in caplog.text and "Niet-Loggen" not in caplog.text


def test_without_smtp_host_nothing_is_sent(env, client, caplog):
    caplog.set_level(logging.INFO)
    assert hand_off(client, record(email="x@voorbeeld.nl", email_ok="yes")).status_code == 201
    assert any("INTAKE_SMTP_HOST is not set" in rec.getMessage() for rec in caplog.records)


def test_the_reminder_job_mails_the_desk_a_count_and_a_link(smtp, client, db, env):
    import os
    import subprocess
    from datetime import timedelta

    from sqlalchemy import update

    from api.core.db import utcnow
    from api.registrations.models import Registration

    old, _fresh = (hand_off(client, record(name="Herinner-Naam")).json()["id"] for _ in range(2))
    db.execute(update(Registration).where(Registration.id == old).values(created_at=utcnow() - timedelta(days=6)))
    db.commit()
    desk_before = len(smtp.to(DESK))
    run = subprocess.run([str(stack.API_BIN / "python"), "-m", "api.cli", "remind"], cwd=stack.ROOT,
                         env={**os.environ}, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert "1 registration(s) untouched after two working days; reminder sent." in run.stdout
    [reminder] = smtp.to(DESK)[desk_before:]
    assert reminder["Subject"].startswith("Herinnering: 1 aanmelding(en)")
    assert f"{PUBLIC_URL}/staff?untouched=1" in reminder.get_content()
    assert "Herinner-Naam" not in reminder.as_string()


def test_a_web_form_registration_notifies_the_desk_too(smtp, client):
    html = client.get("/aanmelden").text
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    sent = client.post("/aanmelden", data={**fields, "kind": "registration", "phone": "0612345678",
                                           "name": "Form-Uniek", "consent": "yes"})
    assert sent.status_code == 201
    reference = re.search(r"PH-[0-9A-Z]{4}-[0-9A-Z]{4}", sent.text).group(0)
    [mail] = smtp.to(DESK)
    assert mail["Subject"] == f"Nieuwe aanmelding {reference}"
    assert "Form-Uniek" not in mail.as_string() and "612345678" not in mail.as_string()
