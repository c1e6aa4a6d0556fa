"""The staff workspace pages under /staff: sign-in with TOTP, enrolment, inbox, registration page, work forms,
privacy operations and user management. Pages only call the services the staff API uses."""
from __future__ import annotations

import json
import logging
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

import segno
from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.audit import service as audit
from api.core import security
from api.core.config import Settings
from api.core.db import utcnow
from api.deadletters import service as dead_letters
from api.deps import DbSession, SettingsDep, client_address, visible_registration
from api.questions.models import Author, ThreadStatus
from api.registrations import service, workflow
from api.registrations.constants import ASSIGNABLE, FINAL, Status
from api.registrations.models import Registration
from api.staff import roles
from api.staff import service as staff_service
from api.staff.models import StaffUser
from api.staff.roles import Role, is_admin, works_the_desk
from api.workspace import forms, labels, signin

log = logging.getLogger("api.workspace")
templates = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")
# The names templates compare stored values with, so each value is written once.
templates.env.globals.update(labels=labels, staff_roles=roles, Status=Status, ThreadStatus=ThreadStatus, Author=Author)
templates.env.filters["when"] = labels.when
templates.env.filters["combine_page"] = lambda query, page: {**query, "page": page}
PAGE_SIZE = 25
FORM_LIMITS = {"max_files": 0, "max_fields": 30, "max_part_size": 16 * 1024}


class PageRoute(APIRoute):
    """Refusals (403, 404) of a page are shown as a Dutch page with a way back, not as JSON."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
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


def render(request: Request, settings: Settings, name: str, user: StaffUser | None = None, status_code: int = 200,
           **context: Any) -> HTMLResponse:
    nonce = signin.csrf_nonce(request, settings)

    def csrf_for(family: str) -> str:
        return signin.csrf_token(request, settings, family, nonce)

    message = labels.MESSAGES.get(request.query_params.get("melding", ""))
    response = templates.TemplateResponse(
        request, f"staff/{name}", {"user": user, "csrf": csrf_for, "message": message, **context},
        status_code=status_code)
    if user is None:  # only the sign-in form is bound to the nonce cookie
        signin.set_csrf_cookie(request, settings, response, nonce)
    return response


def redirect(path: str, message: str | None = None) -> RedirectResponse:
    return RedirectResponse(f"{path}?{urlencode({'melding': message})}" if message else path, status_code=303)


def _go_to(path: str) -> HTTPException:
    # A redirect as an exception, so a dependency can send the browser elsewhere.
    return HTTPException(status.HTTP_303_SEE_OTHER, headers={"Location": path})


def signed_in_user(request: Request, settings: SettingsDep, db: DbSession) -> StaffUser:
    """The user of the sign-in cookie; an account without two-factor sign-in is sent to enrol."""
    user = signin.current_user(request, settings, db)
    if user is None:
        had_cookie = signin.signin_token(request, settings) is not None
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


def _admin(user: EnrolledPageUser) -> StaffUser:
    if not is_admin(user.role):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Alleen een beheerder mag dit doen.")
    return user


AdminPageUser = Annotated[StaffUser, Depends(_admin)]


PageRegistration = Annotated[Registration, Depends(visible_registration(
    enrolled_user, refused="Deze aanmelding is niet aan jou toegewezen.",
    missing="Deze aanmelding bestaat niet (meer)."))]


def checked_form(family: str) -> Callable[[Request, Settings], Coroutine[Any, Any, FormData]]:
    """A dependency: the posted form after its CSRF token (of `family`, signin.FAMILIES) checked out; 403
    otherwise."""

    async def posted_form(request: Request, settings: SettingsDep) -> FormData:
        try:
            form = await request.form(**FORM_LIMITS)
        except (StarletteHTTPException, ValueError):  # a malformed or oversized body is refused like a bad token
            form = FormData()
        if not signin.csrf_ok(request, settings, family, form):
            log.info("workspace form refused: missing or invalid CSRF token path=%s", request.url.path)
            raise HTTPException(status.HTTP_403_FORBIDDEN, "Het formulier is verlopen of ongeldig. Laad de pagina "
                                                           "opnieuw en probeer het nog eens.")
        return form

    return posted_form


SignInForm = Annotated[FormData, Depends(checked_form("sign-in"))]
AccountForm = Annotated[FormData, Depends(checked_form("account"))]
CaseForm = Annotated[FormData, Depends(checked_form("case"))]
AdminForm = Annotated[FormData, Depends(checked_form("admin"))]


# --- signing in and out ----------------------------------------------------------------------------

@router.get("/aanmelden", response_class=HTMLResponse)
def sign_in_page(request: Request, settings: SettingsDep) -> HTMLResponse:
    return render(request, settings, "sign_in.html", email="", error=None)


@router.post("/aanmelden", response_class=HTMLResponse)
def sign_in(request: Request, settings: SettingsDep, db: DbSession, form: SignInForm) -> Response:
    email, password, code = (forms.text(form, name, limit) for name, limit in
                             (("email", 254), ("password", staff_service.MAX_PASSWORD_LENGTH), ("code", 32)))
    try:
        token = staff_service.sign_in(db, email, password, code, client_address(request))
    except staff_service.Throttled as throttled:
        return render(request, settings, "sign_in.html", status_code=429, email=email,
                      error=_wait_message(throttled))
    except staff_service.SignInFailed:
        return render(request, settings, "sign_in.html", status_code=401, email=email,
                      error="E-mailadres, wachtwoord of code klopt niet.")
    response = redirect("/staff")
    signin.set_signin_cookie(request, settings, response, token)
    return response


def _wait_message(throttled: staff_service.Throttled) -> str:
    seconds = throttled.retry_after
    wait = ("1 seconde" if seconds == 1 else f"{seconds} seconden" if seconds < 120
            else f"{round(seconds / 60)} minuten")
    return f"Te veel mislukte pogingen. Probeer het over {wait} opnieuw."


@router.post("/afmelden")
def sign_out(request: Request, settings: SettingsDep, db: DbSession, form: AccountForm) -> Response:
    token = signin.signin_token(request, settings)
    if token:
        staff_service.sign_out(db, token)
    response = redirect("/staff/aanmelden", "signed_out")
    signin.clear_signin_cookie(request, settings, response)
    return response


@router.post("/overal-afmelden")
def sign_out_everywhere(request: Request, settings: SettingsDep, user: PageUser, db: DbSession,
                        form: AccountForm) -> Response:
    staff_service.sign_out_everywhere(db, user.id)
    response = redirect("/staff/aanmelden", "signed_out_everywhere")
    signin.clear_signin_cookie(request, settings, response)
    return response


# --- two-factor enrolment --------------------------------------------------------------------------

def _enrol_page(request: Request, settings: Settings, user: StaffUser, secret: str, error: str | None = None,
                status_code: int = 200) -> HTMLResponse:
    qr = segno.make(security.totp_uri(secret, user.email), error="m")
    svg = qr.svg_inline(scale=5, border=2, title="QR-code voor je authenticator-app")
    return render(request, settings, "enrol.html", user, status_code=status_code, secret=secret, qr_svg=svg,
                  error=error)


@router.get("/tweestaps", response_class=HTMLResponse)
def enrol_page(request: Request, settings: SettingsDep, user: PageUser) -> HTMLResponse:
    return _enrol_page(request, settings, user, security.new_totp_secret())


@router.post("/tweestaps", response_class=HTMLResponse)
def enrol(request: Request, settings: SettingsDep, user: PageUser, db: DbSession, form: AccountForm) -> HTMLResponse:
    # The new secret travels in the form: it is useless without proof (a code from an app holding it).
    secret, code = forms.text(form, "secret", 64), forms.text(form, "code", 16)
    if not security.is_totp_secret(secret):
        secret = security.new_totp_secret()
    try:
        # Replacing a second factor needs the password and a code of the old one (or a recovery code).
        codes = staff_service.enrol_totp(
            db, user, secret, code, password=forms.text(form, "password", staff_service.MAX_PASSWORD_LENGTH),
            proof=forms.text(form, "proof", 32), keep_token=signin.signin_token(request, settings),
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

def _password_page(request: Request, settings: Settings, user: StaffUser, error: str | None = None,
                   status_code: int = 200) -> HTMLResponse:
    return render(request, settings, "password.html", user, status_code=status_code, error=error,
                  min_password=staff_service.MIN_PASSWORD_LENGTH)


@router.get("/wachtwoord", response_class=HTMLResponse)
def password_page(request: Request, settings: SettingsDep, user: PageUser) -> HTMLResponse:
    return _password_page(request, settings, user)


@router.post("/wachtwoord", response_class=HTMLResponse)
def change_password(request: Request, settings: SettingsDep, user: PageUser, db: DbSession,
                    form: AccountForm) -> Response:
    new = forms.text(form, "new_password", staff_service.MAX_PASSWORD_LENGTH + 1)
    if new != forms.text(form, "repeat_password", staff_service.MAX_PASSWORD_LENGTH + 1):
        return _password_page(request, settings, user, "De twee nieuwe wachtwoorden zijn niet gelijk.", 422)
    try:
        staff_service.change_password(
            db, user, forms.text(form, "current_password", staff_service.MAX_PASSWORD_LENGTH), new,
            keep_token=signin.signin_token(request, settings), address=client_address(request))
    except staff_service.Throttled as throttled:
        return _password_page(request, settings, user, _wait_message(throttled), 429)
    except staff_service.SignInFailed:
        return _password_page(request, settings, user, "Je huidige wachtwoord klopt niet.", 403)
    except ValueError as refused:
        return _password_page(request, settings, user, forms.user_error(str(refused)), 422)
    return redirect("/staff", "password_changed")


# --- inbox -----------------------------------------------------------------------------------------

@router.get("", response_class=HTMLResponse)
def inbox(request: Request, settings: SettingsDep, user: EnrolledPageUser, db: DbSession) -> HTMLResponse:
    filters, values, page = forms.inbox_filters(request.query_params)
    scope = service.visible_to(user)
    rows, total = service.list_registrations(db, page, PAGE_SIZE, filters, scope)
    counts = service.count_by_status(db, scope)
    now = utcnow()
    pages = max(1, -(-total // PAGE_SIZE))
    query = {k: v for k, v in values.items() if v}
    return render(request, settings, "inbox.html", user, rows=rows, total=total, page=page, pages=pages,
                  counts=[(s, counts.get(s, 0)) for s in Status], all_count=sum(counts.values()),
                  untouched_count=service.count_untouched(db, scope, now),
                  untouched={r.id for r in rows if service.is_untouched(r, now)}, values=values,
                  query=query, urlencode=urlencode, filter_choices=forms.FILTER_CHOICES,
                  people={u.id: u for u in staff_service.list_users(db)},
                  dead_letters=dead_letters.open_letters(db) if works_the_desk(user.role) else [])


@router.post("/niet-afgeleverd/{dead_letter_id}/afgehandeld")
def resolve_dead_letter(dead_letter_id: int, user: AdminPageUser, db: DbSession, form: CaseForm) -> Response:
    """The workspace's way to `DELETE /api/dead-letters/{id}`: an admin dealt with the item in the outbox."""
    if not dead_letters.remove(db, dead_letter_id, user):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Deze melding bestaat niet (meer).")
    return redirect("/staff", "dead_letter_resolved")


# --- one registration ------------------------------------------------------------------------------

def _detail_path(registration_id: int) -> str:
    return f"/staff/aanmeldingen/{registration_id}"


@router.get("/aanmeldingen/{registration_id}", response_class=HTMLResponse)
def registration_page(request: Request, settings: SettingsDep, user: EnrolledPageUser, db: DbSession,
                      registration: PageRegistration) -> HTMLResponse:
    workflow.view(db, user, registration)
    can_assign = works_the_desk(user.role)
    error = forms.ERRORS.get(request.query_params.get("fout", ""))
    return render(request, settings, "registration.html", user, r=registration, error=error,
                  events=workflow.history(db, registration),
                  people={u.id: u for u in staff_service.list_users(db)},
                  next_statuses=workflow.allowed_next(registration),
                  suggestions=workflow.suggest_mediators(db, registration) if can_assign else [],
                  can_assign=can_assign and registration.status in ASSIGNABLE,
                  can_export=can_assign, can_erase=is_admin(user.role),
                  untouched=service.is_untouched(registration, utcnow()))


@router.post("/aanmeldingen/{registration_id}/status")
def change_status(user: EnrolledPageUser, db: DbSession, form: CaseForm, registration: PageRegistration) -> Response:
    new_status, reason = forms.text(form, "status", 32), forms.note(form, "reason", 500)
    outcome = forms.outcome(form) if new_status in FINAL else None
    try:
        workflow.change_status(db, user, registration, new_status, reason, outcome)
    except workflow.NotAllowed:
        errors: dict[str, str] = {Status.CLOSED: "outcome", Status.DECLINED: "reason"}
        error = errors.get(new_status, "status")
        if registration.status in FINAL or new_status not in workflow.allowed_next(registration):
            error = "status"
        return redirect(_detail_path(registration.id) + f"?fout={error}")
    return redirect(_detail_path(registration.id), "status")


@router.post("/aanmeldingen/{registration_id}/uitkomst")
def change_outcome(user: EnrolledPageUser, db: DbSession, form: CaseForm, registration: PageRegistration) -> Response:
    try:
        workflow.change_outcome(db, user, registration, forms.outcome(form))
    except workflow.NotAllowed:
        error = "reason" if registration.status == Status.DECLINED else "outcome"
        return redirect(_detail_path(registration.id) + f"?fout={error}")
    return redirect(_detail_path(registration.id), "outcome")


@router.post("/aanmeldingen/{registration_id}/toewijzen")
def assign(user: EnrolledPageUser, db: DbSession, form: CaseForm, registration: PageRegistration) -> Response:
    mediator_id = forms.number(form, "mediator_id")
    try:
        workflow.assign(db, user, registration, mediator_id or 0)
    except workflow.Forbidden:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Alleen het aanmeldpunt wijst aanmeldingen toe.") from None
    except workflow.NotAllowed:
        return redirect(_detail_path(registration.id) + "?fout=assign")
    return redirect(_detail_path(registration.id), "assigned")


@router.post("/aanmeldingen/{registration_id}/notitie")
def add_note(user: EnrolledPageUser, db: DbSession, form: CaseForm, registration: PageRegistration) -> Response:
    text = forms.note(form, "text", 2000)
    if not text:
        return redirect(_detail_path(registration.id) + "?fout=note")
    workflow.add_note(db, user, registration, text)
    return redirect(_detail_path(registration.id), "note")


@router.get("/aanmeldingen/{registration_id}/export")
def export(user: EnrolledPageUser, db: DbSession, registration: PageRegistration) -> Response:
    """Right of access: the JSON file the API's export gives, as a download."""
    try:
        body = workflow.export(db, user, registration)
    except workflow.Forbidden:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Alleen het aanmeldpunt exporteert aanmeldingen.") from None
    return Response(json.dumps(body, ensure_ascii=False, indent=2), media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{registration.reference}.json"'})


@router.post("/aanmeldingen/{registration_id}/wissen")
def erase(user: AdminPageUser, db: DbSession, form: CaseForm, registration: PageRegistration) -> Response:
    if forms.text(form, "confirm", 8) != "yes":
        return redirect(_detail_path(registration.id) + "?fout=confirm")
    service.erase(db, registration, user)
    db.commit()
    return redirect("/staff", "erased")


# --- user management (admin) -----------------------------------------------------------------------

def _users_page(request: Request, settings: Settings, user: StaffUser, db: Session, error: str | None = None,
                values: dict[str, str] | None = None, status_code: int = 200) -> HTMLResponse:
    return render(request, settings, "users.html", user, status_code=status_code,
                  users=staff_service.list_users(db), roles=list(Role), error=error,
                  values=values or {"email": "", "role": Role.INTAKE, "region": ""},
                  min_password=staff_service.MIN_PASSWORD_LENGTH)


@router.get("/beheer/gebruikers", response_class=HTMLResponse)
def users_page(request: Request, settings: SettingsDep, user: AdminPageUser, db: DbSession) -> HTMLResponse:
    return _users_page(request, settings, user, db)


@router.post("/beheer/gebruikers", response_class=HTMLResponse)
def create_user(request: Request, settings: SettingsDep, user: AdminPageUser, db: DbSession,
                form: AdminForm) -> Response:
    values = {"email": forms.text(form, "email", 254), "role": forms.text(form, "role", 16),
              "region": forms.region(form)}
    password = forms.text(form, "password", staff_service.MAX_PASSWORD_LENGTH + 1)
    try:
        staff_service.create_user(db, values["email"], password, values["role"], region=values["region"] or None,
                                  must_change_password=True)  # the admin knows it: the user replaces it
    except ValueError as exc:
        return _users_page(request, settings, user, db, forms.user_error(str(exc)), values, 422)
    return redirect("/staff/beheer/gebruikers", "user_created")


@router.post("/beheer/gebruikers/{user_id}", response_class=HTMLResponse)
def update_user(user_id: int, request: Request, settings: SettingsDep, user: AdminPageUser, db: DbSession,
                form: AdminForm) -> Response:
    target = db.get(StaffUser, user_id)
    if target is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Dit account bestaat niet.")
    action = forms.text(form, "action", 16)
    options: dict[str, dict[str, Any]] = {"deactivate": {"active": False}, "activate": {"active": True},
                                          "reset_totp": {"reset_totp": True}, "region": {"region": forms.region(form)}}
    changes = options.get(action)
    if changes is None:
        return _users_page(request, settings, user, db, "Onbekende actie.", status_code=422)
    try:
        staff_service.update_user(db, user, target, **changes)
    except ValueError as exc:
        return _users_page(request, settings, user, db, forms.user_error(str(exc)), status_code=422)
    return redirect("/staff/beheer/gebruikers", "user_updated")


@router.get("/beheer/audit", response_class=HTMLResponse)
def audit_page(request: Request, settings: SettingsDep, user: AdminPageUser, db: DbSession) -> HTMLResponse:
    """The audit log, newest first; `?aanmelding=<id>` narrows it to one registration."""
    page_text, rid_text = request.query_params.get("pagina", "1"), request.query_params.get("aanmelding", "")
    page = min(int(page_text), 100_000) if page_text.isdigit() and int(page_text) > 0 else 1
    registration_id = int(rid_text) if rid_text.isdigit() and len(rid_text) < 10 else None
    rows, total = audit.list_entries(db, page, 100, registration_id)
    return render(request, settings, "audit.html", user, rows=rows, total=total, page=page,
                  pages=max(1, -(-total // 100)), registration_id=registration_id,
                  people={u.id: u for u in staff_service.list_users(db)})
