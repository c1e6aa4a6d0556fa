"""Public pages: the sign-up page with the chat widget, the plain web form, and the quick-exit redirect."""
from __future__ import annotations

import logging
import uuid
from pathlib import Path
from typing import Any

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.core import cookies
from api.core.config import Settings
from api.deps import DbSession, SettingsDep
from api.notifications import mail
from api.pages import csrf, webform
from api.pages.texts import CHOICES, DEFAULT_EXIT_URL, TEXT
from api.registrations.service import IdempotencyConflict, ReferenceConflict, create_registration
from contract import OFFICE_PHONE, OFFICE_PHONE_TEL

log = logging.getLogger("api.pages")
router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")

PATHS = {
    "nl": {"home": "/", "form": "/aanmelden", "other_home": "/en", "other_form": "/en/aanmelden"},
    "en": {"home": "/en", "form": "/en/aanmelden", "other_home": "/", "other_form": "/aanmelden"},
}
# A form post never needs more; larger ones are refused by the multipart parser before we look at them.
FORM_LIMITS = {"max_files": 0, "max_fields": 60, "max_part_size": 64 * 1024}


def exit_url(settings: Settings) -> str:
    # The neutral site for "Snel weg"; a Settings field `quick_exit_url` overrides the default when present.
    return getattr(settings, "quick_exit_url", None) or DEFAULT_EXIT_URL


def _render(request: Request, settings: Settings, name: str, language: str, status_code: int = 200,
            **context: Any) -> HTMLResponse:
    base = {"lang": language, "t": TEXT[language], "paths": PATHS[language], "exit_url": exit_url(settings),
            "phone": OFFICE_PHONE, "phone_tel": OFFICE_PHONE_TEL}
    return templates.TemplateResponse(request, name, {**base, **context}, status_code=status_code)


def _home(request: Request, settings: Settings, language: str) -> HTMLResponse:
    return _render(request, settings, "home.html", language)


@router.api_route("/", methods=["GET", "HEAD"], response_class=HTMLResponse)
def home_nl(request: Request, settings: SettingsDep) -> HTMLResponse:
    return _home(request, settings, "nl")


@router.api_route("/en", methods=["GET", "HEAD"], response_class=HTMLResponse)
def home_en(request: Request, settings: SettingsDep) -> HTMLResponse:
    return _home(request, settings, "en")


@router.get("/snel-weg")
def quick_exit(settings: SettingsDep) -> Response:
    """Quick exit without JavaScript: wipe what this site left in the browser and go to the neutral site."""
    return RedirectResponse(exit_url(settings), status_code=303,
                            headers={"Clear-Site-Data": '"cache", "cookies", "storage"'})


def _form_page(request: Request, settings: Settings, language: str, values: dict[str, str],
               errors: dict[str, str] | None = None, submission: str | None = None,
               status_code: int = 200) -> HTMLResponse:
    nonce = cookies.read(request, settings, csrf.COOKIE_NAME)
    if not csrf.is_nonce(nonce):
        nonce = csrf.new_nonce()
    secret = settings.secret
    response = _render(request, settings, "form.html", language, status_code=status_code,
                       values=values, errors=errors or {}, choices=CHOICES[language],
                       csrf_token=csrf.make_token(secret, nonce), submission=submission or str(uuid.uuid4()))
    # Not HttpOnly: the quick exit deletes it from script. It holds only a random nonce, nothing about the visitor.
    cookies.write(request, settings, response, csrf.COOKIE_NAME, nonce, max_age=csrf.TOKEN_MAX_AGE, httponly=False)
    return response


def _message_page(request: Request, settings: Settings, language: str, title_key: str, text_key: str,
                  status_code: int, link_key: str | None = None) -> HTMLResponse:
    return _render(request, settings, "message.html", language, status_code=status_code,
                   title_key=title_key, text_key=text_key, link_key=link_key)


async def _submit(request: Request, settings: Settings, db: Session, language: str,
                  tasks: BackgroundTasks) -> HTMLResponse:
    try:
        form = await request.form(**FORM_LIMITS)
    except (StarletteHTTPException, ValueError):
        return _message_page(request, settings, language, "csrf_title", "csrf_text", 400, "csrf_link")
    token = form.get("csrf_token")
    nonce = cookies.read(request, settings, csrf.COOKIE_NAME)
    if not csrf.is_nonce(nonce) or not csrf.token_is_valid(settings.secret, nonce,
                                                           token if isinstance(token, str) else None):
        log.info("web form refused: missing or invalid CSRF token")
        return _message_page(request, settings, language, "csrf_title", "csrf_text", 403, "csrf_link")
    values = webform.read_values(form, language)
    submission = webform.submission_key(form.get("submission"))
    data, errors = webform.validate(values, language)
    if data is None:
        log.info("web form returned with errors fields=%s", ",".join(sorted(errors)))
        return _form_page(request, settings, language, values, errors, submission, status_code=422)
    try:
        # The service is synchronous (SQLAlchemy sessions): keep it off the event loop.
        result = await run_in_threadpool(create_registration, db, data, idempotency_key=submission)
    except IdempotencyConflict:
        return _message_page(request, settings, language, "repeat_title", "repeat_text", 409)
    except (ReferenceConflict, SQLAlchemyError) as exc:
        log.error("web form registration not stored: %s", type(exc).__name__)
        return _message_page(request, settings, language, "failure_title", "failure_text", 503)
    if result.created:  # the desk hears of it as of a chat hand-off (no personal details in the mail)
        tasks.add_task(mail.notify_new_registration, settings, mail.NewRegistration.of(result.registration))
    # The CSRF cookie stays until it expires: a double-click on "Verstuur" must get the same answer, not a 403.
    return _render(request, settings, "done.html", language, status_code=201 if result.created else 200,
                   reference=result.registration.reference, kind=data.kind)


@router.get("/aanmelden", response_class=HTMLResponse)
def form_nl(request: Request, settings: SettingsDep) -> HTMLResponse:
    return _form_page(request, settings, "nl", webform.blank_values("nl"))


@router.get("/en/aanmelden", response_class=HTMLResponse)
def form_en(request: Request, settings: SettingsDep) -> HTMLResponse:
    return _form_page(request, settings, "en", webform.blank_values("en"))


@router.post("/aanmelden", response_class=HTMLResponse)
async def submit_nl(request: Request, settings: SettingsDep, db: DbSession,
                    tasks: BackgroundTasks) -> HTMLResponse:
    return await _submit(request, settings, db, "nl", tasks)


@router.post("/en/aanmelden", response_class=HTMLResponse)
async def submit_en(request: Request, settings: SettingsDep, db: DbSession,
                    tasks: BackgroundTasks) -> HTMLResponse:
    return await _submit(request, settings, db, "en", tasks)


def _embed(request: Request, settings: Settings, language: str) -> HTMLResponse:
    # Framed by the sites of INTAKE_FRAME_ANCESTORS only (api/core/security_headers.py EMBED_PATHS).
    return _render(request, settings, "embed.html", language)


@router.get("/chat/embed", response_class=HTMLResponse)
def embed_nl(request: Request, settings: SettingsDep) -> HTMLResponse:
    """The chat alone, for an <iframe> on another site (api/static/embed.js)."""
    return _embed(request, settings, "nl")


@router.get("/en/chat/embed", response_class=HTMLResponse)
def embed_en(request: Request, settings: SettingsDep) -> HTMLResponse:
    return _embed(request, settings, "en")
