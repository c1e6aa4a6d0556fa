"""`POST /api/chat`: the browser's only way to the bot."""
from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import JSONResponse

from api.chat.schemas import BotMessage, ChatIn
from api.chat.service import ChatUnavailable
from api.core.errors import responses
from contract import OFFICE_PHONE

router = APIRouter(prefix="/api", tags=["chat"])

UNAVAILABLE = f"De chat is even niet bereikbaar. Bel ons op {OFFICE_PHONE} (werkdagen)."


@router.post("/chat", responses={200: {"model": list[BotMessage], "description": "Rasa's replies, in order"},
                                 **responses(400, 413, 422, 429, 503)})
async def chat(body: ChatIn, request: Request) -> JSONResponse:
    try:
        replies = await request.app.state.rasa.relay(str(body.sender), body.message)
    except ChatUnavailable:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, UNAVAILABLE) from None
    return JSONResponse(replies)  # Rasa's list, unchanged
