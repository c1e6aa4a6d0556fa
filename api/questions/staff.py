"""The workspace's "Vragen": the question box's inbox and a thread page where staff answer in place and mark a
question handled. Every role of the workspace (admin, intake, mediator). Each view and answer is audited with the
thread's internal id only; staff see the visitor's text and optional choices, nothing else about them."""
from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session, selectinload

from api.deps import DbSession, SettingsDep
from api.pages.texts import CHOICES
from api.questions import service
from api.questions.models import QuestionThread, ThreadStatus
from api.staff.models import StaffUser
from api.staff.roles import is_role
from api.workspace import forms
from api.workspace.router import CaseForm, EnrolledPageUser, PageRoute, redirect, render

router = APIRouter(prefix="/staff/vragen", include_in_schema=False, route_class=PageRoute)
STATUS_LABELS = {ThreadStatus.NEW: "Wacht op antwoord", ThreadStatus.ANSWERED: "Beantwoord",
                 ThreadStatus.HANDLED: "Afgehandeld"}
ROLE_LABELS = dict(CHOICES["nl"]["role"])
EVENT_LABELS = dict(CHOICES["nl"]["event_kind"])
ERRORS = {"empty": "Schrijf eerst een antwoord.", "long": "Het antwoord is langer dan 2000 tekens."}


def _allowed(user: StaffUser) -> None:
    if not is_role(user.role):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Je rol mag geen vragen lezen.")


def _thread(db: Session, thread_id: int) -> QuestionThread:
    thread = db.get(QuestionThread, thread_id, options=[selectinload(QuestionThread.messages)])
    if thread is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Deze vraag bestaat niet (meer). De vrager kan haar hebben "
                                                       "gewist, of de bewaartermijn is voorbij.")
    return thread


@router.get("", response_class=HTMLResponse)
def question_inbox(request: Request, settings: SettingsDep, user: EnrolledPageUser,
                   db: DbSession) -> HTMLResponse:
    _allowed(user)
    threads = service.inbox(db)
    waiting_since = service.untouched_before()
    return render(request, settings, "questions_inbox.html", user, threads=threads,
                  untouched={t.id for t in threads
                             if t.status == ThreadStatus.NEW and t.last_message_on <= waiting_since},
                  status_labels=STATUS_LABELS, retention_days=settings.question_retention_days)


@router.get("/{thread_id}", response_class=HTMLResponse)
def question_page(thread_id: int, request: Request, settings: SettingsDep, user: EnrolledPageUser,
                  db: DbSession) -> HTMLResponse:
    _allowed(user)
    thread = _thread(db, thread_id)
    service.view(db, user, thread)
    return render(request, settings, "question.html", user, thread=thread, status_labels=STATUS_LABELS,
                  role_label=ROLE_LABELS.get(thread.role, thread.role),
                  event_label=EVENT_LABELS.get(thread.event_kind, thread.event_kind),
                  erase_on=service.erase_on(thread, settings.question_retention_days),
                  error=ERRORS.get(request.query_params.get("fout", "")))


@router.post("/{thread_id}/antwoord")
def answer(thread_id: int, user: EnrolledPageUser, db: DbSession, form: CaseForm) -> Response:
    _allowed(user)
    thread = _thread(db, thread_id)
    raw = form.get("text")
    if isinstance(raw, str) and len(raw.strip()) > service.MAX_TEXT:
        return redirect(f"/staff/vragen/{thread_id}?fout=long")
    text = forms.note(form, "text", service.MAX_TEXT)
    if not text:
        return redirect(f"/staff/vragen/{thread_id}?fout=empty")
    service.answer(db, user, thread, text)
    return redirect(f"/staff/vragen/{thread_id}", "question_answered")


@router.post("/{thread_id}/afgehandeld")
def handled(thread_id: int, user: EnrolledPageUser, db: DbSession, form: CaseForm) -> Response:
    _allowed(user)
    service.mark_handled(db, user, _thread(db, thread_id))
    return redirect("/staff/vragen", "question_handled")
