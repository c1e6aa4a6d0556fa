"""The staff workspace pages under /staff: sign-in with TOTP, enrolment, inbox, registration page, work forms,
privacy operations and user management. Pages only call the services the staff API uses."""
from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

import segno
from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.audit import service as audit
from api.core import security
from api.core.db import utcnow
from api.deadletters import service as dead_letters
from api.deps import SessionDep, SettingsDep, client_address
from api.registrations import service, workflow
from api.registrations.models import Registration
from api.staff import service as staff_service
from api.staff.models import StaffUser
from api.workspace import forms, labels
from api.workspace import session as cookies

log = logging.getLogger("api.workspace")
templates = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")
templates.env.globals.update(labels=labels)
templates.env.filters["when"] = labels.when
templates.env.filters["combine_page"] = lambda query, page: {**query, "page": page}
PAGE_SIZE = 25
FORM_LIMITS = {"max_files": 0, "max_fields": 30, "max_part_size": 16 * 1024}


class PageRoute(APIRoute):
    """Refusals (403, 404) of a page are shown as a Dutch page with a way back, not as JSON."""

    def get_route_handler(self):
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except HTTPException as exc:
                if exc.status_code not in (403, 404):
                    raise
                return templates.TemplateResponse(request, "staff/refused.html",
                                                  {"user": None, "detail": exc.detail, "message": None},
                                                  status_code=exc.status_code)

        return page_handler


router = APIRouter(prefix="/staff", include_in_schema=False, route_class=PageRoute)


def render(request: Request, settings, name: str, user: StaffUser | None = None, status_code: int = 200,
           **context) -> HTMLResponse:
    nonce = cookies.csrf_nonce(request, settings)

    def csrf_for(family: str) -> str:
        return cookies.csrf_token(request, settings, family, nonce)

    message = labels.MESSAGES.get(request.query_params.get("melding", ""))
    response = templates.TemplateResponse(
        request, f"staff/{name}", {"user": user, "csrf": csrf_for, "message": message, **context},
        status_code=status_code)
    if user is None:  # only the sign-in form is bound to the nonce cookie
        cookies.set_csrf_cookie(request, settings, response, nonce)
    return response


def redirect(path: str, message: str | None = None) -> RedirectResponse:
    return RedirectResponse(f"{path}?{urlencode({'melding': message})}" if message else path, status_code=303)


def _go_to(path: str) -> HTTPException:
    # A redirect as an exception, so a dependency can send the browser elsewhere.
    return HTTPException(status.HTTP_303_SEE_OTHER, headers={"Location": path})


def signed_in_user(request: Request, settings: SettingsDep, session: SessionDep) -> StaffUser:
    """The user of the session cookie; an account without two-factor sign-in is sent to enrol."""
    user = cookies.current_user(request, settings, session)
    if user is None:
        had_cookie = cookies.session_token(request, settings) is not None
        raise _go_to("/staff/aanmelden" + ("?melding=expired" if had_cookie else ""))
    return user


PageUser = Annotated[StaffUser, Depends(signed_in_user)]


def enrolled_user(user: PageUser) -> StaffUser:
    if user.must_change_password:  # an admin chose it: the user replaces it first
        raise _go_to("/staff/wachtwoord")
    if not user.totp_secret:
        raise _go_to("/staff/tweestaps")
    return user


EnrolledPageUser = Annotated[StaffUser, Depends(enrolled_user)]


def checked_form(family: str):
    """A dependency: the posted form after its CSRF token (of `family`, cookies.FAMILIES) checked out; 403
    otherwise."""

    async def posted_form(request: Request, settings: SettingsDep):
        try:
            form = await request.form(**FORM_LIMITS)
        except (StarletteHTTPException, ValueError):  # a malformed or oversized body is refused like a bad token
            form = {}
        if not cookies.csrf_ok(request, settings, family, form):
            log.info("workspace form refused: missing or invalid CSRF token path=%s", request.url.path)
            raise HTTPException(status.HTTP_403_FORBIDDEN, "Het formulier is verlopen of ongeldig. Laad de pagina "
                                                           "opnieuw en probeer het nog eens.")
        return form

    return posted_form


SignInForm = Annotated[object, Depends(checked_form("sign-in"))]
AccountForm = Annotated[object, Depends(checked_form("account"))]
CaseForm = Annotated[object, Depends(checked_form("case"))]
AdminForm = Annotated[object, Depends(checked_form("admin"))]


# --- signing in and out ----------------------------------------------------------------------------

@router.get("/aanmelden", response_class=HTMLResponse)
def sign_in_page(request: Request, settings: SettingsDep) -> HTMLResponse:
    return render(request, settings, "sign_in.html", email="", error=None)


@router.post("/aanmelden", response_class=HTMLResponse)
def sign_in(request: Request, settings: SettingsDep, session: SessionDep, form: SignInForm) -> Response:
    email, password, code = (forms.text(form, name, limit) for name, limit in
                             (("email", 254), ("password", staff_service.MAX_PASSWORD_LENGTH), ("code", 32)))
    try:
        token = staff_service.sign_in(session, email, password, code, client_address(request))
    except staff_service.Throttled as throttled:
        return render(request, settings, "sign_in.html", status_code=429, email=email,
                      error=_wait_message(throttled))
    except staff_service.SignInFailed:
        return render(request, settings, "sign_in.html", status_code=401, email=email,
                      error="E-mailadres, wachtwoord of code klopt niet.")
    response = redirect("/staff")
    cookies.set_session_cookie(request, settings, response, token)
    return response


def _wait_message(throttled: staff_service.Throttled) -> str:
    seconds = throttled.retry_after
    wait = ("1 seconde" if seconds == 1 else f"{seconds} seconden" if seconds < 120
            else f"{round(seconds / 60)} minuten")
    return f"Te veel mislukte pogingen. Probeer het over {wait} opnieuw."


@router.post("/afmelden")
def sign_out(request: Request, settings: SettingsDep, session: SessionDep, form: AccountForm) -> Response:
    token = cookies.session_token(request, settings)
    if token:
        staff_service.sign_out(session, token)
    response = redirect("/staff/aanmelden", "signed_out")
    cookies.clear_session_cookie(request, settings, response)
    return response


@router.post("/overal-afmelden")
def sign_out_everywhere(request: Request, settings: SettingsDep, user: PageUser, session: SessionDep,
                        form: AccountForm) -> Response:
    staff_service.sign_out_everywhere(session, user.id)
    response = redirect("/staff/aanmelden", "signed_out_everywhere")
    cookies.clear_session_cookie(request, settings, response)
    return response


# --- two-factor enrolment --------------------------------------------------------------------------

def _enrol_page(request: Request, settings, user: StaffUser, secret: str, error: str | None = None,
                status_code: int = 200) -> HTMLResponse:
    qr = segno.make(security.totp_uri(secret, user.email), error="m")
    svg = qr.svg_inline(scale=5, border=2, title="QR-code voor je authenticator-app")
    return render(request, settings, "enrol.html", user, status_code=status_code, secret=secret, qr_svg=svg,
                  error=error)


@router.get("/tweestaps", response_class=HTMLResponse)
def enrol_page(request: Request, settings: SettingsDep, user: PageUser) -> HTMLResponse:
    return _enrol_page(request, settings, user, security.new_totp_secret())


@router.post("/tweestaps", response_class=HTMLResponse)
def enrol(request: Request, settings: SettingsDep, user: PageUser, session: SessionDep, form: AccountForm) -> HTMLResponse:
    # The new secret travels in the form: it is useless without proof (a code from an app holding it).
    secret, code = forms.text(form, "secret", 64), forms.text(form, "code", 16)
    if not security.is_totp_secret(secret):
        secret = security.new_totp_secret()
    try:
        # Replacing a second factor needs the password and a code of the old one (or a recovery code).
        codes = staff_service.enrol_totp(
            session, user, secret, code, password=forms.text(form, "password", staff_service.MAX_PASSWORD_LENGTH),
            proof=forms.text(form, "proof", 32), keep_token=cookies.session_token(request, settings),
            address=client_address(request))
    except staff_service.Throttled as throttled:
        return _enrol_page(request, settings, user, secret, status_code=429, error=_wait_message(throttled))
    except staff_service.SignInFailed:
        return _enrol_page(request, settings, user, secret, status_code=403,
                           error="Je wachtwoord of je huidige code (of herstelcode) klopt niet.")
    if codes is None:
        return _enrol_page(request, settings, user, secret, status_code=422,
                           error="Deze code klopt niet. Kijk of de tijd op je telefoon klopt en typ de nieuwste code.")
    return render(request, settings, "recovery_codes.html", user, codes=codes)


# --- own password ----------------------------------------------------------------------------------

def _password_page(request: Request, settings, user: StaffUser, error: str | None = None,
                   status_code: int = 200) -> HTMLResponse:
    return render(request, settings, "password.html", user, status_code=status_code, error=error,
                  min_password=staff_service.MIN_PASSWORD_LENGTH)


@router.get("/wachtwoord", response_class=HTMLResponse)
def password_page(request: Request, settings: SettingsDep, user: PageUser) -> HTMLResponse:
    return _password_page(request, settings, user)


@router.post("/wachtwoord", response_class=HTMLResponse)
def change_password(request: Request, settings: SettingsDep, user: PageUser, session: SessionDep,
                    form: AccountForm) -> Response:
    new = forms.text(form, "new_password", staff_service.MAX_PASSWORD_LENGTH + 1)
    if new != forms.text(form, "repeat_password", staff_service.MAX_PASSWORD_LENGTH + 1):
        return _password_page(request, settings, user, "De twee nieuwe wachtwoorden zijn niet gelijk.", 422)
    try:
        staff_service.change_password(
            session, user, forms.text(form, "current_password", staff_service.MAX_PASSWORD_LENGTH), new,
            keep_token=cookies.session_token(request, settings), address=client_address(request))
    except staff_service.Throttled as throttled:
        return _password_page(request, settings, user, _wait_message(throttled), 429)
    except staff_service.SignInFailed:
        return _password_page(request, settings, user, "Je huidige wachtwoord klopt niet.", 403)
    except ValueError as refused:
        return _password_page(request, settings, user, forms.user_error(str(refused)), 422)
    return redirect("/staff", "password_changed")


# --- inbox -----------------------------------------------------------------------------------------

@router.get("", response_class=HTMLResponse)
def inbox(request: Request, settings: SettingsDep, user: EnrolledPageUser, session: SessionDep) -> HTMLResponse:
    filters, values, page = forms.inbox_filters(request.query_params)
    scope = workflow.visible_to(user)
    rows, total = service.list_registrations(session, page, PAGE_SIZE, filters, scope)
    counts = service.count_by_status(session, scope)
    now = utcnow()
    pages = max(1, -(-total // PAGE_SIZE))
    query = {k: v for k, v in values.items() if v}
    return render(request, settings, "inbox.html", user, rows=rows, total=total, page=page, pages=pages,
                  counts=[(s, counts.get(s, 0)) for s in workflow.STATUSES], all_count=sum(counts.values()),
                  untouched_count=service.count_untouched(session, scope, now),
                  untouched={r.id for r in rows if workflow.is_untouched(r, now)}, values=values,
                  query=query, urlencode=urlencode, filter_choices=forms.FILTER_CHOICES,
                  people={u.id: u for u in staff_service.list_users(session)},
                  dead_letters=dead_letters.open_letters(session) if dead_letters.may_see(user.role) else [])


@router.post("/niet-afgeleverd/{dead_letter_id}/afgehandeld")
def resolve_dead_letter(dead_letter_id: int, user: EnrolledPageUser, session: SessionDep,
                        form: CaseForm) -> Response:
    """The workspace's way to `DELETE /api/dead-letters/{id}`: an admin dealt with the item in the outbox."""
    if user.role != "admin":
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Alleen een beheerder handelt niet-afgeleverde aanmeldingen af.")
    if not dead_letters.remove(session, dead_letter_id, user):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Deze melding bestaat niet (meer).")
    return redirect("/staff", "dead_letter_resolved")


# --- one registration ------------------------------------------------------------------------------

def _registration(session: Session, user: StaffUser, registration_id: int) -> Registration:
    try:
        registration = workflow.load(session, user, registration_id)
    except workflow.Forbidden:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Deze aanmelding is niet aan jou toegewezen.") from None
    if registration is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Deze aanmelding bestaat niet (meer).")
    return registration


def _detail_path(registration_id: int) -> str:
    return f"/staff/aanmeldingen/{registration_id}"


@router.get("/aanmeldingen/{registration_id}", response_class=HTMLResponse)
def registration_page(registration_id: int, request: Request, settings: SettingsDep, user: EnrolledPageUser,
                      session: SessionDep) -> HTMLResponse:
    registration = _registration(session, user, registration_id)
    workflow.view(session, user, registration)
    can_assign = user.role in ("admin", "intake")
    error = forms.ERRORS.get(request.query_params.get("fout", ""))
    return render(request, settings, "registration.html", user, r=registration, error=error,
                  events=workflow.history(session, registration),
                  people={u.id: u for u in staff_service.list_users(session)},
                  next_statuses=workflow.allowed_next(user, registration),
                  suggestions=workflow.suggest_mediators(session, registration) if can_assign else [],
                  can_assign=can_assign and registration.status in workflow.ASSIGNABLE,
                  can_export=can_assign, can_erase=user.role == "admin",
                  untouched=workflow.is_untouched(registration, utcnow()))


@router.post("/aanmeldingen/{registration_id}/status")
def change_status(registration_id: int, user: EnrolledPageUser, session: SessionDep, form: CaseForm) -> Response:
    registration = _registration(session, user, registration_id)
    new_status, reason = forms.text(form, "status", 32), forms.note(form, "reason", 500)
    outcome = forms.outcome(form) if new_status in workflow.FINAL else None
    try:
        workflow.change_status(session, user, registration, new_status, reason, outcome)
    except workflow.NotAllowed:
        error = {"closed": "outcome", "declined": "reason"}.get(new_status, "status")
        if registration.status in workflow.FINAL or new_status not in workflow.allowed_next(user, registration):
            error = "status"
        return redirect(_detail_path(registration_id) + f"?fout={error}")
    return redirect(_detail_path(registration_id), "status")


@router.post("/aanmeldingen/{registration_id}/uitkomst")
def change_outcome(registration_id: int, user: EnrolledPageUser, session: SessionDep, form: CaseForm) -> Response:
    registration = _registration(session, user, registration_id)
    try:
        workflow.change_outcome(session, user, registration, forms.outcome(form))
    except workflow.NotAllowed:
        error = "reason" if registration.status == "declined" else "outcome"
        return redirect(_detail_path(registration_id) + f"?fout={error}")
    return redirect(_detail_path(registration_id), "outcome")


@router.post("/aanmeldingen/{registration_id}/toewijzen")
def assign(registration_id: int, user: EnrolledPageUser, session: SessionDep, form: CaseForm) -> Response:
    registration = _registration(session, user, registration_id)
    mediator_id = forms.number(form, "mediator_id")
    try:
        workflow.assign(session, user, registration, mediator_id or 0)
    except workflow.Forbidden:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Alleen het aanmeldpunt wijst aanmeldingen toe.") from None
    except workflow.NotAllowed:
        return redirect(_detail_path(registration_id) + "?fout=assign")
    return redirect(_detail_path(registration_id), "assigned")


@router.post("/aanmeldingen/{registration_id}/notitie")
def add_note(registration_id: int, user: EnrolledPageUser, session: SessionDep, form: CaseForm) -> Response:
    registration = _registration(session, user, registration_id)
    text = forms.note(form, "text", 2000)
    if not text:
        return redirect(_detail_path(registration_id) + "?fout=note")
    workflow.add_note(session, user, registration, text)
    return redirect(_detail_path(registration_id), "note")


@router.get("/aanmeldingen/{registration_id}/export")
def export(registration_id: int, user: EnrolledPageUser, session: SessionDep) -> Response:
    """Right of access: the JSON file the API's export gives, as a download."""
    registration = _registration(session, user, registration_id)
    try:
        body = workflow.export(session, user, registration)
    except workflow.Forbidden:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Alleen het aanmeldpunt exporteert aanmeldingen.") from None
    return Response(json.dumps(body, ensure_ascii=False, indent=2), media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{registration.reference}.json"'})


@router.post("/aanmeldingen/{registration_id}/wissen")
def erase(registration_id: int, user: EnrolledPageUser, session: SessionDep, form: CaseForm) -> Response:
    if user.role != "admin":
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Alleen een beheerder wist aanmeldingen.")
    registration = _registration(session, user, registration_id)
    if forms.text(form, "confirm", 8) != "yes":
        return redirect(_detail_path(registration_id) + "?fout=confirm")
    service.erase(session, registration, user)
    session.commit()
    return redirect("/staff", "erased")


# --- user management (admin) -----------------------------------------------------------------------

def _admin(user: EnrolledPageUser) -> StaffUser:
    if user.role != "admin":
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Alleen een beheerder beheert accounts.")
    return user


AdminPageUser = Annotated[StaffUser, Depends(_admin)]


def _users_page(request: Request, settings, user: StaffUser, session: Session, error: str | None = None,
                values: dict | None = None, status_code: int = 200) -> HTMLResponse:
    return render(request, settings, "users.html", user, status_code=status_code,
                  users=staff_service.list_users(session), roles=staff_service.ROLES, error=error,
                  values=values or {"email": "", "role": "intake", "region": ""},
                  min_password=staff_service.MIN_PASSWORD_LENGTH)


@router.get("/beheer/gebruikers", response_class=HTMLResponse)
def users_page(request: Request, settings: SettingsDep, user: AdminPageUser, session: SessionDep) -> HTMLResponse:
    return _users_page(request, settings, user, session)


@router.post("/beheer/gebruikers", response_class=HTMLResponse)
def create_user(request: Request, settings: SettingsDep, user: AdminPageUser, session: SessionDep,
                form: AdminForm) -> Response:
    values = {"email": forms.text(form, "email", 254), "role": forms.text(form, "role", 16),
              "region": forms.region(form)}
    password = forms.text(form, "password", staff_service.MAX_PASSWORD_LENGTH + 1)
    try:
        staff_service.create_user(session, values["email"], password, values["role"], region=values["region"] or None,
                                  must_change_password=True)  # the admin knows it: the user replaces it
    except ValueError as exc:
        return _users_page(request, settings, user, session, forms.user_error(str(exc)), values, 422)
    return redirect("/staff/beheer/gebruikers", "user_created")


@router.post("/beheer/gebruikers/{user_id}", response_class=HTMLResponse)
def update_user(user_id: int, request: Request, settings: SettingsDep, user: AdminPageUser, session: SessionDep,
                form: AdminForm) -> Response:
    target = session.get(StaffUser, user_id)
    if target is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Dit account bestaat niet.")
    action = forms.text(form, "action", 16)
    changes = {"deactivate": {"active": False}, "activate": {"active": True}, "reset_totp": {"reset_totp": True},
               "region": {"region": forms.region(form)}}.get(action)
    if changes is None:
        return _users_page(request, settings, user, session, "Onbekende actie.", status_code=422)
    try:
        staff_service.update_user(session, user, target, **changes)
    except ValueError as exc:
        return _users_page(request, settings, user, session, forms.user_error(str(exc)), status_code=422)
    return redirect("/staff/beheer/gebruikers", "user_updated")


@router.get("/beheer/audit", response_class=HTMLResponse)
def audit_page(request: Request, settings: SettingsDep, user: AdminPageUser, session: SessionDep) -> HTMLResponse:
    """The audit log, newest first; `?aanmelding=<id>` narrows it to one registration."""
    page_text, rid_text = request.query_params.get("pagina", "1"), request.query_params.get("aanmelding", "")
    page = min(int(page_text), 100_000) if page_text.isdigit() and int(page_text) > 0 else 1
    registration_id = int(rid_text) if rid_text.isdigit() and len(rid_text) < 10 else None
    rows, total = audit.list_entries(session, page, 100, registration_id)
    return render(request, settings, "audit.html", user, rows=rows, total=total, page=page,
                  pages=max(1, -(-total // 100)), registration_id=registration_id,
                  people={u.id: u for u in staff_service.list_users(session)})
