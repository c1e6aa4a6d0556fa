"""The staff workspace pages under /staff, through the real app: cookie sessions, TOTP sign-in and enrolment,
CSRF refusal, the inbox, the registration page and its forms, privacy operations and user management."""
from __future__ import annotations

import logging
import re
from datetime import timedelta

import pyotp
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from api.audit.models import AuditEntry
from api.core.config import get_settings
from api.core.db import utcnow
from api.registrations.models import Registration
from api.staff.models import StaffSession, StaffUser
from tests.api.helpers import PASSWORD, account, hand_off, record
from tests.api.pages import Desk, page_signed_in


def new_registration(client, **overrides) -> tuple[int, str]:
    body = hand_off(client, record(**overrides)).json()
    return body["id"], body["reference"]


# --- signing in ------------------------------------------------------------------------------------

def test_sign_in_with_password_and_totp_sets_a_strict_session_cookie(client, db):
    user, secret = account(db, "intake")
    desk = Desk(client)
    r = desk.sign_in(user.email.upper(), pyotp.TOTP(secret).now())
    assert r.status_code == 303 and r.headers["location"] == "/staff"
    cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith("ph_staff="))
    attributes = {part.strip().lower() for part in cookie.split(";")}
    assert {"httponly", "samesite=strict", "path=/"} <= attributes
    assert "secure" not in attributes and not any(a.startswith(("max-age", "expires")) for a in attributes)
    inbox = desk.get("/staff")
    assert inbox.status_code == 200 and "<h1>Inbox</h1>" in inbox.text
    # The cookie holds the session token, which the database keeps only as its hash.
    token = cookie.split(";")[0].split("=", 1)[1]
    assert db.scalar(select(StaffSession.token_sha256)) != token


def test_the_cookie_is_secure_over_https(engine, db):
    from api.main import create_app

    user, secret = account(db, "intake")
    with TestClient(create_app(), base_url="https://testserver") as client:
        r = Desk(client).sign_in(user.email, pyotp.TOTP(secret).now())
    cookies = r.headers.get_list("set-cookie")
    assert r.status_code == 303 and any(c.startswith("__Host-ph_staff=") for c in cookies)
    assert all("secure" in c.lower() and c.startswith("__Host-") and "path=/;" in c.lower() for c in cookies)


def test_production_cookies_are_host_only_and_secure_even_behind_plain_http(engine, db, monkeypatch):
    """A TLS proxy that forwards plain http must not make the cookies travel without Secure."""
    from api.main import create_app

    monkeypatch.setenv("INTAKE_ENV", "production")
    get_settings.cache_clear()
    user, secret = account(db, "intake")
    with TestClient(create_app()) as client:
        cookies = [c for path in ("/aanmelden", "/staff/aanmelden")
                   for c in client.get(path).headers.get_list("set-cookie")]
    with TestClient(create_app(), base_url="https://testserver") as client:
        cookies += Desk(client).sign_in(user.email, pyotp.TOTP(secret).now()).headers.get_list("set-cookie")
    names = {c.split("=", 1)[0] for c in cookies}
    assert {"__Host-ph_staff", "__Host-ph_staff_csrf", "__Host-ph_form"} <= names
    assert all("; secure" in c.lower() and "path=/;" in c.lower() and "domain" not in c.lower() for c in cookies)


def test_wrong_code_or_password_is_refused_in_dutch(client, db):
    user, secret = account(db, "intake")
    desk = Desk(client)
    wrong = "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"
    for password, code in ((PASSWORD, wrong), (PASSWORD, ""), ("verkeerd wachtwoord", pyotp.TOTP(secret).now())):
        r = desk.sign_in(user.email, code, password)
        assert r.status_code == 401
        assert "E-mailadres, wachtwoord of code klopt niet." in r.text
        assert "ph_staff=" not in r.headers.get("set-cookie", "")
    assert desk.get("/staff", follow_redirects=False).headers["location"] == "/staff/aanmelden"


def test_repeated_failures_slow_this_browser_down(client, db):
    user, secret = account(db, "intake")
    desk = Desk(client)
    for _ in range(4):
        assert desk.sign_in(user.email, "123456", "verkeerd wachtwoord").status_code == 401
    slowed = desk.sign_in(user.email, pyotp.TOTP(secret).now())
    # 2 s after the fourth failure; on a busy machine more than a second may already have passed since then.
    assert slowed.status_code == 429
    assert ("Te veel mislukte pogingen. Probeer het over 2 seconden opnieuw." in slowed.text
            or "Te veel mislukte pogingen. Probeer het over 1 seconde opnieuw." in slowed.text)


def test_pages_need_a_session(client):
    rid, _ = new_registration(client)
    for path in ("/staff", f"/staff/aanmeldingen/{rid}", "/staff/beheer/gebruikers", "/staff/tweestaps"):
        r = client.get(path, follow_redirects=False)
        assert (r.status_code, r.headers["location"]) == (303, "/staff/aanmelden"), path


# --- CSRF ------------------------------------------------------------------------------------------

def test_forms_without_a_valid_csrf_token_are_refused(client, db):
    desk, _ = page_signed_in(client, db, "intake")
    rid, _ = new_registration(client)
    path = f"/staff/aanmeldingen/{rid}/status"
    assert desk.post(path, {"status": "in_review"}, csrf=False).status_code == 403
    assert desk.post(path, {"status": "in_review", "csrf_token": "1.abc"}, csrf=False).status_code == 403
    # A token signed for another browser's cookie does not fit this one.
    other = Desk(TestClient(client.app))
    other.get("/staff/aanmelden")
    assert desk.post(path, {"status": "in_review", "csrf_token": other.token}, csrf=False).status_code == 403
    assert db.get(Registration, rid).status == "new"
    # The sign-in form and the sign-out are protected too.
    fresh = Desk(TestClient(client.app))
    assert fresh.post("/staff/aanmelden", {"email": "x@example.org", "password": "x"}, csrf=False).status_code == 403
    assert desk.post("/staff/overal-afmelden", csrf=False).status_code == 403
    # Each form family signs with its own label: the sign-out token of this very page does not fit the work form.
    desk.get(f"/staff/aanmeldingen/{rid}")
    account_token = desk.forms["/staff/afmelden"]
    assert desk.post(path, {"status": "in_review", "csrf_token": account_token}, csrf=False).status_code == 403
    # A token is bound to its session: another signed-in browser's token of the same form is refused.
    colleague, _ = page_signed_in(client, db, "intake")
    colleague.get(f"/staff/aanmeldingen/{rid}")
    stolen = colleague.forms[path]
    assert desk.post(path, {"status": "in_review", "csrf_token": stolen}, csrf=False).status_code == 403
    assert desk.post(path, {"status": "in_review"}, follow_redirects=False).status_code == 303
    db.expire_all()
    assert db.get(Registration, rid).status == "in_review"


# --- two-factor enrolment and recovery codes -------------------------------------------------------

def test_enrolment_with_qr_code_then_recovery_code_sign_in(client, db):
    user, _ = account(db, "mediator", enrolled=False)
    desk = Desk(client)
    r = desk.sign_in(user.email, "")
    assert r.status_code == 303
    # Without two-factor sign-in every page sends the user to enrol first.
    assert desk.get("/staff", follow_redirects=False).headers["location"] == "/staff/tweestaps"
    page = desk.get("/staff/tweestaps")
    assert "<svg" in page.text and "QR-code voor je authenticator-app" in page.text
    secret = re.search(r'name="secret" value="([A-Z2-7]+)"', page.text).group(1)
    wrong = desk.post("/staff/tweestaps", {"secret": secret, "code": "12345"})
    assert wrong.status_code == 422 and "Deze code klopt niet" in wrong.text
    done = desk.post("/staff/tweestaps", {"secret": secret, "code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([2-9A-Z]{5}-[2-9A-Z]{5})</code></li>", done.text)
    assert len(codes) == 10
    assert desk.get("/staff").status_code == 200

    desk.post("/staff/afmelden")
    again = Desk(TestClient(client.app))
    assert again.sign_in(user.email, codes[0].lower()).status_code == 303
    assert again.get("/staff").status_code == 200
    # A recovery code works once.
    assert Desk(TestClient(client.app)).sign_in(user.email, codes[0]).status_code == 401

    # Replacing the authenticator later needs the password and a code of the current one (or a recovery code).
    page = again.get("/staff/tweestaps")
    assert 'name="password"' in page.text and 'name="proof"' in page.text
    newer = re.search(r'name="secret" value="([A-Z2-7]+)"', page.text).group(1)
    bare = again.post("/staff/tweestaps", {"secret": newer, "code": pyotp.TOTP(newer).now()})
    assert bare.status_code == 403 and "klopt niet" in bare.text
    db.expire_all()
    assert db.get(StaffUser, user.id).totp_secret == secret
    replaced = again.post("/staff/tweestaps", {"secret": newer, "code": pyotp.TOTP(newer).now(),
                                               "password": PASSWORD, "proof": codes[1]})
    assert replaced.status_code == 200 and len(re.findall(r"<li><code>", replaced.text)) == 10
    db.expire_all()
    assert db.get(StaffUser, user.id).totp_secret == newer


# --- inbox -----------------------------------------------------------------------------------------

def test_inbox_lists_filters_and_marks(client, db):
    desk, _ = page_signed_in(client, db, "intake")
    callback, callback_ref = new_registration(client, kind="callback", voicemail_ok="no", region="limburg")
    plain, plain_ref = new_registration(client, voicemail_ok="yes")
    db.execute(update(Registration).where(Registration.id == plain).values(created_at=utcnow() - timedelta(days=6)))
    db.commit()
    page = desk.get("/staff").text
    assert callback_ref in page and plain_ref in page
    assert page.index(callback_ref) < page.index(plain_ref)  # newest first
    assert page.count("marker--callback") == 1 and page.count("marker--nomessage") == 1
    assert page.count("marker--late") == 1
    assert re.search(r'Nieuw <span class="count">2</span>', page)
    assert re.search(r'Te lang onaangeroerd <span class="count">1</span>', page)
    # No contact details in the list.
    assert "+31612345678" not in page and "Sanne" not in page

    found = desk.get("/staff", params={"reference": callback_ref[-4:].lower()}).text
    assert callback_ref in found and plain_ref not in found
    by_region = desk.get("/staff", params={"region": "limburg"}).text
    assert callback_ref in by_region and plain_ref not in by_region
    by_age = desk.get("/staff", params={"age": "3-7"}).text
    assert plain_ref in by_age and callback_ref not in by_age
    late = desk.get("/staff", params={"untouched": "1"}).text
    assert plain_ref in late and callback_ref not in late
    # Nonsense filters are ignored, not an error.
    assert desk.get("/staff", params={"status": "x", "page": "-1"}).status_code == 200


def test_mediator_inbox_and_pages_show_only_their_own(client, db):
    intake, _ = page_signed_in(client, db, "intake")
    mediator, mediator_user = page_signed_in(client, db, "mediator", "utrecht")
    mine, mine_ref = new_registration(client)
    other, other_ref = new_registration(client)
    intake.get(f"/staff/aanmeldingen/{mine}")
    intake.post(f"/staff/aanmeldingen/{mine}/toewijzen", {"mediator_id": mediator_user.id})
    page = mediator.get("/staff").text
    assert mine_ref in page and other_ref not in page
    refused = mediator.get(f"/staff/aanmeldingen/{other}")
    assert refused.status_code == 403 and "niet aan jou toegewezen" in refused.text
    assert refused.headers["content-type"].startswith("text/html")
    assert mediator.get(f"/staff/aanmeldingen/{mine}").status_code == 200
    assert mediator.post(f"/staff/aanmeldingen/{other}/notitie", {"text": "x"}).status_code == 403
    assert mediator.get(f"/staff/aanmeldingen/{mine}/export").status_code == 403
    assert mediator.get("/staff/beheer/gebruikers").status_code == 403


# --- the registration page and its forms -----------------------------------------------------------

def test_registration_page_shows_details_consent_and_records_the_view(client, db):
    desk, user = page_signed_in(client, db, "intake")
    rid, reference = new_registration(client, email="sanne@voorbeeld.nl")
    page = desk.get(f"/staff/aanmeldingen/{rid}").text
    for shown in (reference, "Sanne", "+31612345678", "sanne@voorbeeld.nl", "Mijn trainer ging jaren geleden",
                  "2026-11-v1", "Bij een sportclub of vereniging", "Geen bericht inspreken"):
        assert shown in page, shown
    entries = db.scalars(select(AuditEntry).where(AuditEntry.registration_id == rid)).all()
    assert [(e.action, e.actor_id) for e in entries] == [("view", user.id)]


def test_registration_page_and_export_show_a_referrers_client_role(client, db):
    desk, _user = page_signed_in(client, db, "intake")
    rid, _reference = new_registration(client, on_behalf=True, client_consent=True, role="professional",
                                       client_role="close_one", referrer_organisation="Slachtofferhulp")
    page = desk.get(f"/staff/aanmeldingen/{rid}").text
    assert "Rol van de cliënt" in page and "De cliënt staat dicht bij iemand die erbij betrokken is" in page
    exported = desk.get(f"/staff/aanmeldingen/{rid}/export").json()
    assert exported["registration"]["client_role"] == "close_one"
    # Someone registering for themselves has no client: no such line.
    rid, _reference = new_registration(client)
    assert "Rol van de cliënt" not in desk.get(f"/staff/aanmeldingen/{rid}").text


def test_work_a_registration_through_the_forms(client, db):
    desk, intake_user = page_signed_in(client, db, "intake")
    utrecht_user, _ = account(db, "mediator", "utrecht")
    limburg_user, _ = account(db, "mediator", "limburg")
    rid, _ = new_registration(client, region="limburg")
    page = desk.get(f"/staff/aanmeldingen/{rid}").text
    # Mediators of the registration's region are offered first.
    assert page.index(limburg_user.email) < page.index(utrecht_user.email)
    assert "(regio past)" in page

    r = desk.post(f"/staff/aanmeldingen/{rid}/status", {"status": "in_review"}, follow_redirects=False)
    assert r.headers["location"] == f"/staff/aanmeldingen/{rid}?melding=status"
    desk.post(f"/staff/aanmeldingen/{rid}/toewijzen", {"mediator_id": limburg_user.id})
    noted = desk.post(f"/staff/aanmeldingen/{rid}/notitie", {"text": "Belt na 19 uur <b>graag</b>."})
    assert "De notitie is opgeslagen." in noted.text
    assert "Belt na 19 uur &lt;b&gt;graag&lt;/b&gt;." in noted.text  # escaped, never markup
    skipped = desk.post(f"/staff/aanmeldingen/{rid}/status", {"status": "closed"})
    assert "Deze statuswijziging kan nu niet" in skipped.text
    no_reason = desk.post(f"/staff/aanmeldingen/{rid}/status", {"status": "declined", "reason": "Buiten werkveld"})
    assert "Kies een reden uit de lijst" in no_reason.text
    db.expire_all()
    registration = db.get(Registration, rid)
    assert (registration.status, registration.assigned_to_id) == ("assigned", limburg_user.id)
    desk.post(f"/staff/aanmeldingen/{rid}/status", {"status": "declined", "reason": "Buiten ons werkveld.",
                                                    "decline_category": "out_of_scope"})
    db.expire_all()
    assert db.get(Registration, rid).status == "declined"
    history = desk.get(f"/staff/aanmeldingen/{rid}").text
    assert "Toegewezen aan " + limburg_user.email in history and "Buiten ons werkveld." in history


def test_export_and_erase_from_the_page(client, db):
    intake, _ = page_signed_in(client, db, "intake")
    admin, admin_user = page_signed_in(client, db, "admin")
    rid, reference = new_registration(client)
    download = intake.get(f"/staff/aanmeldingen/{rid}/export")
    assert download.status_code == 200
    assert f'filename="{reference}.json"' in download.headers["content-disposition"]
    assert download.json()["registration"]["phone"] == "+31612345678"

    intake.get(f"/staff/aanmeldingen/{rid}")
    assert intake.post(f"/staff/aanmeldingen/{rid}/wissen", {"confirm": "yes"}).status_code == 403
    admin.get(f"/staff/aanmeldingen/{rid}")
    unconfirmed = admin.post(f"/staff/aanmeldingen/{rid}/wissen", {})
    assert "Vink aan" in unconfirmed.text
    erased = admin.post(f"/staff/aanmeldingen/{rid}/wissen", {"confirm": "yes"})
    assert "De aanmelding is gewist." in erased.text and reference not in erased.text
    db.expire_all()
    assert db.get(Registration, rid) is None
    actions = [e.action for e in db.scalars(select(AuditEntry).where(AuditEntry.registration_id == rid)
                                            .order_by(AuditEntry.id))]
    assert actions == ["export", "view", "view", "view", "erase"]  # the refused erase shows the page again
    assert admin.get(f"/staff/aanmeldingen/{rid}").status_code == 404


# --- accounts --------------------------------------------------------------------------------------

def test_admin_creates_and_deactivates_accounts(client, db):
    admin, _ = page_signed_in(client, db, "admin")
    admin.get("/staff/beheer/gebruikers")
    short = admin.post("/staff/beheer/gebruikers", {"email": "b@example.org", "password": "kort",
                                                    "role": "mediator", "region": "zeeland"})
    assert short.status_code == 422 and "te kort" in short.text
    made = admin.post("/staff/beheer/gebruikers", {"email": "Bemiddelaar@Example.org", "password": PASSWORD,
                                                   "role": "mediator", "region": "zeeland"})
    assert "Het account is aangemaakt." in made.text
    created = db.scalar(select(StaffUser).where(StaffUser.email == "bemiddelaar@example.org"))
    assert (created.role, created.region, created.totp_secret) == ("mediator", "zeeland", None)

    # The new mediator signs in, must first replace the password the admin chose, then is sent to enrol.
    newcomer = Desk(TestClient(client.app))
    assert newcomer.sign_in("bemiddelaar@example.org", "").status_code == 303
    assert newcomer.get("/staff", follow_redirects=False).headers["location"] == "/staff/wachtwoord"
    assert "Een beheerder heeft je wachtwoord gekozen" in newcomer.get("/staff/wachtwoord").text
    own = "mijn eigen zin voor het werk"
    breached = newcomer.post("/staff/wachtwoord", {"current_password": PASSWORD, "new_password": "qwerty123456",
                                                   "repeat_password": "qwerty123456"})
    assert breached.status_code == 422 and "gelekte wachtwoorden" in breached.text
    changed = newcomer.post("/staff/wachtwoord", {"current_password": PASSWORD, "new_password": own,
                                                  "repeat_password": own}, follow_redirects=False)
    assert changed.headers["location"] == "/staff?melding=password_changed"
    assert newcomer.get("/staff", follow_redirects=False).headers["location"] == "/staff/tweestaps"
    assert newcomer.get("/staff/tweestaps").status_code == 200
    admin.post(f"/staff/beheer/gebruikers/{created.id}", {"action": "deactivate"})
    db.expire_all()
    assert db.get(StaffUser, created.id).active is False
    assert newcomer.get("/staff/tweestaps", follow_redirects=False).status_code == 303


def test_intake_staff_cannot_manage_accounts(client, db):
    desk, _ = page_signed_in(client, db, "intake")
    assert desk.get("/staff/beheer/gebruikers").status_code == 403
    desk.get("/staff")
    assert desk.post("/staff/beheer/gebruikers", {"email": "x@example.org", "password": PASSWORD,
                                                  "role": "admin"}).status_code == 403


# --- signing out and expiry ------------------------------------------------------------------------

def test_sign_out_everywhere_ends_every_session(client, db):
    user, secret = account(db, "intake")
    laptop, phone = Desk(client), Desk(TestClient(client.app))
    laptop.sign_in(user.email, pyotp.TOTP(secret).now())
    db.execute(update(StaffUser).values(totp_last_counter=None))  # the phone signs in within the same 30 s
    db.commit()
    phone.sign_in(user.email, pyotp.TOTP(secret).now())
    assert phone.get("/staff").status_code == 200
    laptop.get("/staff")
    r = laptop.post("/staff/overal-afmelden")
    assert "Je bent op alle apparaten afgemeld." in r.text
    assert phone.get("/staff", follow_redirects=False).headers["location"].startswith("/staff/aanmelden")
    assert db.scalar(select(StaffSession.id)) is None


def test_sign_out_ends_this_session_only(client, db):
    desk, _ = page_signed_in(client, db, "intake")
    desk.get("/staff")
    out = desk.post("/staff/afmelden")
    assert "Je bent afgemeld." in out.text
    assert desk.get("/staff", follow_redirects=False).status_code == 303


def test_idle_session_expires(client, db):
    desk, _ = page_signed_in(client, db, "intake")
    db.execute(update(StaffSession).values(last_seen_at=utcnow() - timedelta(minutes=61)))
    db.commit()
    r = desk.get("/staff", follow_redirects=False)
    assert r.headers["location"] == "/staff/aanmelden?melding=expired"


def test_pages_log_no_contact_details(client, db, caplog):
    caplog.set_level(logging.DEBUG)
    desk, _ = page_signed_in(client, db, "intake")
    rid, _ = new_registration(client, email="logvrij@voorbeeld.nl", name="Geheime-Naam")
    desk.get("/staff")
    desk.get(f"/staff/aanmeldingen/{rid}")
    desk.post(f"/staff/aanmeldingen/{rid}/notitie", {"text": "Vertrouwelijke-notitie"})
    text = caplog.text
    for value in ("logvrij", "Geheime-Naam", "612345678", "Vertrouwelijke"):
        assert value not in text


def test_inbox_pages_keep_the_filters(client, db):
    desk, _ = page_signed_in(client, db, "intake")
    references = [new_registration(client, region="zeeland")[1] for _ in range(27)]
    new_registration(client, region="drenthe")
    first = desk.get("/staff", params={"region": "zeeland"}).text
    assert "Pagina 1 van 2" in first and references[-1] in first and references[0] not in first
    link = re.search(r'href="(/staff\?[^"]*page=2[^"]*)">Volgende', first).group(1).replace("&amp;", "&")
    assert "region=zeeland" in link
    second = desk.get(link).text
    assert references[0] in second and references[1] in second and references[-1] not in second


def test_admin_reads_the_audit_log_page(client, db):
    admin, admin_user = page_signed_in(client, db, "admin")
    intake, _ = page_signed_in(client, db, "intake")
    rid, reference = new_registration(client, name="Audit-Naam")
    admin.get(f"/staff/aanmeldingen/{rid}")
    page = admin.get("/staff/beheer/audit", params={"aanmelding": rid}).text
    assert reference in page and "Bekeken" in page and admin_user.email in page
    assert "Audit-Naam" not in page
    assert intake.get("/staff/beheer/audit").status_code == 403


def test_a_call_time_no_longer_offered_is_still_shown_in_words():
    """"evening" is gone from the chat and the form, but registrations made before keep a readable answer."""
    from api.pages.texts import CHOICES
    from api.workspace import labels

    assert "evening" not in dict(CHOICES["nl"]["call_time"]) and "evening" not in dict(CHOICES["en"]["call_time"])
    assert labels.answer("call_time", "evening") == "In de avond (keuze van vroeger)"
    assert labels.answer("call_time", "afternoon") == "In de middag"
