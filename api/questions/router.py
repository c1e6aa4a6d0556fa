"""The visitor's pages of the question box, in Dutch and English, without JavaScript.

The pick-up code never travels in a URL or a cookie: it is shown once in the answer to the POST that stored the
question, and it comes back only in the body of a POST (fetch, reply, delete). No cookie either: with no session and
no account there is nothing a forged cross-site post could ride on (a post without the code learns nothing), so
instead of a token bound to a cookie the browser's own word is checked: a post another site made is refused, and
what the visitor wrote comes back in the form. Pages are `no-store` (security headers).
"""
from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.core.config import Settings
from api.deps import DbSession, SettingsDep
from api.pages.router import PATHS as PAGE_PATHS
from api.pages.router import exit_url, templates
from api.pages.texts import CHOICES
from api.pages.texts import TEXT as PAGE_TEXT
from api.questions import crisis, notify, service
from api.questions.models import Author, QuestionThread
from api.questions.texts import TEXT, long_date
from contract import OFFICE_PHONE, OFFICE_PHONE_TEL

log = logging.getLogger("api.questions")
router = APIRouter(include_in_schema=False)
FORM_LIMITS = {"max_files": 0, "max_fields": 10, "max_part_size": 16 * 1024}
QUESTION_PATHS = {
    "nl": {"ask": "/vraag", "fetch": "/vraag/ophalen", "reply": "/vraag/antwoorden", "delete": "/vraag/wissen"},
    "en": {"ask": "/en/question", "fetch": "/en/question/fetch", "reply": "/en/question/reply",
           "delete": "/en/question/delete"},
}
# The posts that carry a pick-up code: api/core/limits.py counts them per client and for everyone together.
CODE_PATHS = tuple(p[k] for p in QUESTION_PATHS.values() for k in ("fetch", "reply", "delete"))
ASK_PATHS = tuple(p["ask"] for p in QUESTION_PATHS.values())
_TEXTS = {lang: {**PAGE_TEXT[lang], **TEXT[lang]} for lang in TEXT}


def _render(request: Request, settings: Settings, name: str, language: str, status_code: int = 200,
            **context: Any) -> HTMLResponse:
    other = "en" if language == "nl" else "nl"
    page = context.pop("page", "ask")
    base = {"lang": language, "t": _TEXTS[language], "paths": PAGE_PATHS[language], "q": QUESTION_PATHS[language],
            "other_path": QUESTION_PATHS[other]["fetch" if page == "fetch" else "ask"],
            "exit_url": exit_url(settings), "phone": OFFICE_PHONE, "phone_tel": OFFICE_PHONE_TEL,
            "retention_days": settings.question_retention_days}
    return templates.TemplateResponse(request, name, {**base, **context}, status_code=status_code)


def _ask_page(request: Request, settings: Settings, language: str, values: dict[str, str] | None = None,
              error: str | None = None, status_code: int = 200) -> HTMLResponse:
    return _render(request, settings, "questions/ask.html", language, status_code=status_code,
                   values=values or {"text": "", "role": "unknown", "event_kind": "unknown"}, error=error,
                   choices=CHOICES[language])


def _fetch_page(request: Request, settings: Settings, language: str, unknown: bool = False,
                refused: bool = False) -> HTMLResponse:
    status_code = 403 if refused else 404 if unknown else 200
    return _render(request, settings, "questions/fetch.html", language, status_code=status_code,
                   page="fetch", unknown=unknown, refused=refused)


def _message(request: Request, settings: Settings, language: str, title_key: str, text_key: str,
             status_code: int) -> HTMLResponse:
    return _render(request, settings, "questions/message.html", language, status_code=status_code,
                   title_key=title_key, text_key=text_key)


def _thread_page(request: Request, settings: Settings, language: str, thread: QuestionThread, code: str,
                 verdict: crisis.Verdict | None = None, notice: str | None = None, error: str | None = None,
                 status_code: int = 200) -> HTMLResponse:
    erase_on = service.erase_on(thread, settings.question_retention_days)
    messages = [{"mine": m.author == Author.VISITOR, "body": m.body, "on": long_date(m.written_on, language)}
                for m in thread.messages]
    return _render(request, settings, "questions/thread.html", language, status_code=status_code, page="fetch",
                   messages=messages, answered=any(not m["mine"] for m in messages), code=code, verdict=verdict,
                   notice=notice, error=error, erase_on=long_date(erase_on, language))


def _from_our_pages(request: Request) -> bool:
    """False for a post another site made: Fetch Metadata where the browser sends it, else the Origin header."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site in ("same-origin", "none")
    origin = request.headers.get("origin")
    return origin is None or urlsplit(origin).netloc == request.headers.get("host")


async def _form(request: Request) -> tuple[dict[str, str] | None, bool]:
    """The posted fields (None for a malformed body), and whether they came from our own pages."""
    try:
        form = await request.form(**FORM_LIMITS)
    except (StarletteHTTPException, ValueError):
        return None, False
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    if not _from_our_pages(request):
        log.info("question form refused: posted from another site")
        return fields, False
    return fields, True


def _text(form: dict[str, str], name: str) -> tuple[str, str | None]:
    """The typed text (line ends made plain) and the copy key of its error, if any."""
    text = form.get(name, "").replace("\r\n", "\n").strip()
    if not text:
        return text, "q_error_empty"
    if len(text) > service.MAX_TEXT:
        return text, "q_error_too_long"
    return text, None


async def _crisis(request: Request, text: str) -> crisis.Verdict:
    return await crisis.check(request.app.state.rasa.clients, text)


# --- asking ------------------------------------------------------------------------------------------

async def _ask(request: Request, settings: Settings, db: Session, language: str,
               tasks: BackgroundTasks) -> HTMLResponse:
    form, ours = await _form(request)
    if form is None:
        return _message(request, settings, language, "q_refused_title", "q_refused_text", 400)
    text, error = _text(form, "text")
    values = {"text": text, "role": form.get("role", "unknown"), "event_kind": form.get("event_kind", "unknown")}
    if not ours:  # shown again with the text, to send from here if the visitor meant it
        return _ask_page(request, settings, language, values, "q_error_other_site", 403)
    if error:
        return _ask_page(request, settings, language, values, error, 422)
    verdict = await _crisis(request, text)
    try:
        asked = await run_in_threadpool(service.ask, db, settings.secret, text,
                                        values["role"], values["event_kind"], language)
    except SQLAlchemyError as exc:
        log.error("question not stored: %s", type(exc).__name__)
        return _message(request, settings, language, "failure_title", "q_failure", 503)
    tasks.add_task(notify.new_question, settings, asked.thread.id)
    return _render(request, settings, "questions/done.html", language, status_code=201, code=asked.code,
                   verdict=verdict)


@router.get("/vraag", response_class=HTMLResponse)
def ask_page_nl(request: Request, settings: SettingsDep) -> HTMLResponse:
    return _ask_page(request, settings, "nl")


@router.get("/en/question", response_class=HTMLResponse)
def ask_page_en(request: Request, settings: SettingsDep) -> HTMLResponse:
    return _ask_page(request, settings, "en")


@router.post("/vraag", response_class=HTMLResponse)
async def ask_nl(request: Request, settings: SettingsDep, db: DbSession, tasks: BackgroundTasks) -> HTMLResponse:
    return await _ask(request, settings, db, "nl", tasks)


@router.post("/en/question", response_class=HTMLResponse)
async def ask_en(request: Request, settings: SettingsDep, db: DbSession, tasks: BackgroundTasks) -> HTMLResponse:
    return await _ask(request, settings, db, "en", tasks)


# --- with the code -----------------------------------------------------------------------------------

async def _with_code(request: Request, settings: Settings, db: Session, language: str,
                     action: str) -> HTMLResponse:
    form, ours = await _form(request)
    if form is None:
        return _message(request, settings, language, "q_refused_title", "q_refused_text", 400)
    if not ours:
        return _fetch_page(request, settings, language, refused=True)
    code = form.get("code", "")
    thread = await run_in_threadpool(service.find, db, settings.secret, code)
    if thread is None:  # wrong or unknown: one answer
        return _fetch_page(request, settings, language, unknown=True)
    if action == "delete":
        await run_in_threadpool(service.delete_thread, db, thread)
        return _message(request, settings, language, "q_deleted_title", "q_deleted_text", 200)
    if action == "reply":
        text, error = _text(form, "text")
        if error:
            return _thread_page(request, settings, language, thread, code, error=error, status_code=422)
        verdict = await _crisis(request, text)
        await run_in_threadpool(service.reply, db, thread, text)
        return _thread_page(request, settings, language, thread, code, verdict=verdict, notice="q_replied")
    return _thread_page(request, settings, language, thread, code)


@router.get("/vraag/ophalen", response_class=HTMLResponse)
def fetch_page_nl(request: Request, settings: SettingsDep) -> HTMLResponse:
    return _fetch_page(request, settings, "nl")


@router.get("/en/question/fetch", response_class=HTMLResponse)
def fetch_page_en(request: Request, settings: SettingsDep) -> HTMLResponse:
    return _fetch_page(request, settings, "en")


def _code_route(path: str, language: str, action: str) -> None:
    async def endpoint(request: Request, settings: SettingsDep, db: DbSession) -> HTMLResponse:
        return await _with_code(request, settings, db, language, action)

    router.add_api_route(path, endpoint, methods=["POST"], response_class=HTMLResponse,
                         name=f"question_{action}_{language}")


for _language, _paths in QUESTION_PATHS.items():
    for _action in ("fetch", "reply", "delete"):
        _code_route(_paths[_action], _language, _action)
