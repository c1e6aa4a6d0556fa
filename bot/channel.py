"""The REST channel the backend relays to: Rasa's own, minus what a visitor typed in Rasa's log.

Rasa's `RestInput` logs the message text when a turn fails or times out, and Rasa warns with the whole line when a
message starts with "/" without being a payload of the domain ("/ik ben Noor 06…"). This channel keeps Rasa's URL
(/webhooks/rest/webhook) and answers, with two differences:
- a message starting with "/" reaches Rasa as a payload only in the shape our buttons send (`/intent` or
  `/intent{"entity":"value"}`, intent and entity of the domain); any other is typed text without its leading slashes;
- a failed turn is logged with its error class only, and answered 500 so that the backend tells the visitor the chat
  is unavailable (Rasa answers 200 with whatever was said before the failure);
- every route of the channel asks for the shared secret (`secret` in bot/credentials.yml, from INTAKE_BOT_SECRET) in
  the X-Intake-Secret header, which only the backend sends: without it, 401 and no detail. Rasa's channel takes any
  `sender` from anyone who can reach it.
It adds `POST /webhooks/rest/crisis` (`{"text"}` -> `{"band", "kinds", "acute"}`): the crisis detector's verdict on a
text the backend stores elsewhere (the question box), from NLU alone: no tracker, no turn, the text never logged.
"""
from __future__ import annotations

import hmac
import logging
import re
from asyncio import CancelledError
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.shared.core.domain import Domain
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Intake-Secret"  # sent by the backend (api/chat/service.py)
MIN_SECRET_LENGTH = 32  # as the backend and the action server require

# Intent, entity and value names in the domain are lower-case words (with digits, "_" and "-"); buttons send no other.
PAYLOAD = re.compile(r'/(?P<intent>[a-z0-9_]+)(?:\{"(?P<entity>[a-z0-9_]+)":"[a-z0-9_-]+"\})?')


def as_rasa_input(text: str, domain: Domain | None) -> str:
    """`text` unchanged if it is plain text or a payload of `domain`; else typed text, without leading slashes."""
    if not text.startswith("/"):
        return text
    match = PAYLOAD.fullmatch(text)
    if (domain is not None and match and match["intent"] in domain.intents
            and (match["entity"] is None or match["entity"] in domain.entities)):
        return text
    return text.lstrip("/").strip()


CRISIS_INTENT, CHECK_INTENT = "crisis", "crisis_check"  # bot/nlu/crisis.py
MAX_CRISIS_TEXT = 4000


def crisis_verdict(parsed: dict) -> dict:
    """The crisis band of Rasa's parse result: sure (intent crisis), unsure (crisis_check) or none, with the kinds
    the detector named (`crisis_type`) and whether the words say it happens now (`crisis_acute`)."""
    intent = (parsed.get("intent") or {}).get("name")
    band = {CRISIS_INTENT: "sure", CHECK_INTENT: "unsure"}.get(intent, "none")
    entities = (parsed.get("entities") or []) if band != "none" else []
    kinds = [e["value"] for e in entities if e.get("entity") == "crisis_type" and isinstance(e.get("value"), str)]
    acute = any(e.get("entity") == "crisis_acute" for e in entities)
    return {"band": band, "kinds": list(dict.fromkeys(kinds)), "acute": acute}


class IntakeRestInput(RestInput):
    def __init__(self, secret: str) -> None:
        if not isinstance(secret, str) or len(secret) < MIN_SECRET_LENGTH:
            raise ValueError(f"the REST channel needs a secret of at least {MIN_SECRET_LENGTH} characters")
        self._secret = secret.encode()

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> IntakeRestInput:
        return cls((credentials or {}).get("secret", ""))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        # Once for the whole blueprint: Sanic attaches it to every route of the blueprint, also those added below.
        @webhook.middleware("request")
        async def require_secret(request: Request) -> HTTPResponse | None:
            if hmac.compare_digest(request.headers.get(SECRET_HEADER, "").encode(), self._secret):
                return None
            log.warning("rest channel: request without the right secret refused")  # nothing of the request
            return response.empty(status=401)

        @webhook.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            text = self._extract_message(request)
            if isinstance(text, str):
                text = as_rasa_input(text.strip(), getattr(request.app.ctx.agent, "domain", None))
            collector = CollectingOutputChannel()
            try:
                await on_new_message(UserMessage(
                    text, collector, await self._extract_sender(request),
                    input_channel=self._extract_input_channel(request), metadata=self.get_metadata(request)))
            except CancelledError:
                log.error("rest channel: the turn timed out")
                return response.json({"error": "timeout"}, status=500)
            except Exception as exc:  # noqa: BLE001 - any failure: its class, never the text
                log.error("rest channel: the turn failed (%s)", type(exc).__name__)
                return response.json({"error": "failed"}, status=500)
            return response.json(collector.messages)

        @webhook.route("/crisis", methods=["POST"])
        async def crisis(request: Request) -> HTTPResponse:
            body = request.json if request.headers.get("content-type", "").startswith("application/json") else None
            text = body.get("text") if isinstance(body, dict) else None
            if not isinstance(text, str) or not text.strip() or len(text) > MAX_CRISIS_TEXT:
                return response.json({"error": "text must be a non-empty string"}, status=400)
            try:
                # NLU only: parse_message runs the pipeline and touches no tracker, so nothing of it is kept.
                parsed = await request.app.ctx.agent.parse_message(text.lstrip("/").strip() or text)
            except Exception as exc:  # noqa: BLE001 - any failure: its class, never the text
                log.error("rest channel: crisis check failed (%s)", type(exc).__name__)
                return response.json({"error": "failed"}, status=500)
            return response.json(crisis_verdict(parsed))

        return webhook
