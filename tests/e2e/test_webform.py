"""The plain web form: works without JavaScript, stores through the registration service, refuses forged posts."""
from __future__ import annotations

import re
import time

import httpx
import pytest

from tests.e2e.helpers import lines_with_client_address, make_context

REFERENCE = re.compile(r"PH-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}")


@pytest.fixture
def no_js(browser):
    c = make_context(browser, java_script_enabled=False)
    yield c
    c.context.close()


def _by_reference(backend, reference: str) -> list[dict]:
    return [r for r in backend.registrations() if r["reference"] == reference]


def test_form_without_javascript_stores_a_registration_and_shows_the_code(backend, no_js):
    page = no_js.new_page()
    page.goto(backend.url + "/aanmelden")
    assert page.locator("[data-ph-chat-open]").count() == 0 or not page.locator("[data-ph-chat-open]").is_visible()
    page.select_option("#role", "affected")
    page.select_option("#event_kind", "sexual_boundary")
    page.select_option("#setting", "sport_club")
    page.select_option("#when_happened", "over_5_years")
    page.check("#other_party_known-yes")
    page.select_option("#contact_form", "letters")
    page.fill("#description", "Het was bij de club, jaren geleden.")
    page.fill("#name", "Sam")
    page.fill("#phone", "06 1234 5678")
    page.check("#voicemail_ok-no")
    page.check("#call_time-afternoon")
    page.select_option("#region", "utrecht")
    page.check("#consent")
    page.get_by_role("button", name="Verstuur").click()
    page.wait_for_load_state()

    assert page.locator("h1").inner_text() == "Dank je. Je aanmelding is binnen."
    reference = page.locator("[data-reference]").inner_text()
    assert REFERENCE.fullmatch(reference)
    assert "Wat gebeurt er nu?" in page.inner_text("main")

    [stored] = _by_reference(backend, reference)
    assert stored["source"] == "webform" and stored["kind"] == "registration"
    assert stored["phone"] == "+31612345678" and stored["email"] is None
    assert stored["name"] == "Sam" and stored["description"] == "Het was bij de club, jaren geleden."
    assert (stored["role"], stored["event_kind"], stored["setting"]) == ("affected", "sexual_boundary", "sport_club")
    assert (stored["when_happened"], stored["other_party_known"], stored["contact_form"]) == (
        "over_5_years", "yes", "letters")
    assert (stored["voicemail_ok"], stored["call_time"], stored["region"]) == ("no", "afternoon", "utrecht")
    assert stored["consent"] is True and stored["consent_version"] == "2026-11-v1"
    assert stored["language"] == "nl" and stored["on_behalf"] is False
    # No client address beside "registration created" (or anywhere) in the backend's log: no access log.
    log = backend.process.log_text()
    assert "registration created" in log and lines_with_client_address(log) == []


def test_english_callback_by_email(backend, no_js):
    page = no_js.new_page()
    page.goto(backend.url + "/en/aanmelden")
    page.check("#kind-callback")
    page.fill("#email", "Someone@Example.ORG")
    page.check("#consent")
    page.get_by_role("button", name="Send").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Thank you. We will call you back."
    [stored] = _by_reference(backend, page.locator("[data-reference]").inner_text())
    assert (stored["kind"], stored["language"], stored["email"]) == ("callback", "en", "Someone@example.org")


def test_validation_errors_are_shown_next_to_each_field_and_keep_the_input(backend, no_js):
    before = len(backend.registrations())
    page = no_js.new_page()
    page.goto(backend.url + "/aanmelden")
    page.fill("#name", "Robin <b>R</b>")
    page.fill("#email", "robin@@voorbeeld")
    page.fill("#description", "Mijn verhaal")
    page.select_option("#region", "zeeland")
    page.check("#on_behalf")
    page.select_option("#client_role", "affected")
    response_status = []
    page.on("response", lambda r: response_status.append(r.status) if r.request.method == "POST" else None)
    page.get_by_role("button", name="Verstuur").click()
    page.wait_for_load_state()

    assert response_status == [422]
    assert page.title().startswith("Fout")
    assert "Er ontbreekt iets" in page.locator(".error-summary").inner_text()
    assert "Dit e-mailadres klopt niet" in page.locator("#email-error").inner_text()
    assert page.get_attribute("#email", "aria-invalid") == "true"
    assert "email-error" in page.get_attribute("#email", "aria-describedby")
    assert "Zet een vinkje" in page.locator("#consent-error").inner_text()
    assert "Vraag eerst" in page.locator("#client_consent-error").inner_text()
    # what the visitor typed or chose is still there
    assert page.input_value("#name") == "Robin <b>R</b>"
    assert page.input_value("#email") == "robin@@voorbeeld"
    assert page.input_value("#description") == "Mijn verhaal"
    assert page.input_value("#region") == "zeeland"
    assert page.is_checked("#on_behalf") and page.input_value("#client_role") == "affected"
    assert len(backend.registrations()) == before

    # fixing the errors in the same form then works
    page.fill("#email", "robin@voorbeeld.nl")
    page.check("#client_consent")
    page.check("#consent")
    page.get_by_role("button", name="Verstuur").click()
    page.wait_for_load_state()
    [stored] = _by_reference(backend, page.locator("[data-reference]").inner_text())
    assert stored["email"] == "robin@voorbeeld.nl" and stored["on_behalf"] is True and stored["client_consent"]
    assert stored["client_role"] == "affected"


def test_missing_contact_is_named_as_the_error(backend, no_js):
    page = no_js.new_page()
    page.goto(backend.url + "/aanmelden")
    page.check("#consent")
    page.get_by_role("button", name="Verstuur").click()
    page.wait_for_load_state()
    assert page.locator("#phone-error").inner_text().endswith("Vul een telefoonnummer of een e-mailadres in.")
    assert page.is_checked("#consent")


def _form_session(backend) -> tuple[httpx.Client, dict[str, str]]:
    client = httpx.Client(base_url=backend.url, timeout=10)
    html = client.get("/aanmelden").text
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    return client, fields


VALID = {"kind": "registration", "phone": "0612345678", "consent": "yes"}


def test_post_without_or_with_a_wrong_csrf_token_is_refused(backend):
    before = len(backend.registrations())
    client, fields = _form_session(backend)
    no_token = client.post("/aanmelden", data={**VALID, "submission": fields["submission"]})
    assert no_token.status_code == 403
    assert "Het formulier is verlopen" in no_token.text

    issued, _, signature = fields["csrf_token"].partition(".")
    forged = client.post("/aanmelden", data={**VALID, "csrf_token": f"{issued}.{'0' * len(signature)}"})
    assert forged.status_code == 403

    # a valid token does not work with another visitor's cookie (or none): it is bound to the cookie
    other, _ = _form_session(backend)
    stolen = other.post("/aanmelden", data={**VALID, "csrf_token": fields["csrf_token"]})
    assert stolen.status_code == 403
    cookieless = httpx.post(backend.url + "/aanmelden", data={**VALID, "csrf_token": fields["csrf_token"]})
    assert cookieless.status_code == 403

    garbage = client.post("/aanmelden", content=b"\xff\xfe%%%", headers={"Content-Type": "multipart/form-data"})
    assert garbage.status_code in (400, 403)
    assert len(backend.registrations()) == before


def test_multipart_post_and_a_double_submit_store_one_registration(backend):
    before = len(backend.registrations())
    client, fields = _form_session(backend)
    data = {**VALID, **fields}
    first = client.post("/aanmelden", files={k: (None, v) for k, v in data.items()})
    second = client.post("/aanmelden", files={k: (None, v) for k, v in data.items()})
    assert first.status_code == 201
    assert second.status_code in (200, 409)  # same second: the same answer; later: "already sent"
    reference = REFERENCE.search(first.text).group(0)
    if second.status_code == 200:
        assert reference in second.text
    assert len(backend.registrations()) == before + 1


def test_a_form_left_open_too_long_is_refused(backend):
    from api.pages import csrf
    from tests.stack import TEST_ENV
    client, fields = _form_session(backend)
    nonce = client.cookies[csrf.COOKIE_NAME]
    old = csrf.make_token(TEST_ENV["INTAKE_SECRET_KEY"], nonce, now=time.time() - csrf.TOKEN_MAX_AGE - 60)
    fresh = csrf.make_token(TEST_ENV["INTAKE_SECRET_KEY"], nonce)
    assert client.post("/aanmelden", data={**VALID, "csrf_token": old}).status_code == 403
    # the same cookie with a token signed now is accepted: only the age made the difference
    assert client.post("/aanmelden", data={**VALID, "csrf_token": fresh}).status_code == 201
