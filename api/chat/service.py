"""Relay of chat messages to Rasa's REST channel over one shared HTTP client."""
from __future__ import annotations

import logging

import httpx

from api.core.config import Settings

log = logging.getLogger("api.chat")
REST_WEBHOOK = "/webhooks/rest/webhook"


class ChatUnavailable(Exception):
    """Rasa is down, too slow or answered with something that is not a list of messages."""


def make_rasa_client(settings: Settings) -> httpx.AsyncClient:
    """The one client of the process: connections to Rasa are kept alive and reused."""
    return httpx.AsyncClient(
        base_url=settings.rasa_url,
        timeout=httpx.Timeout(settings.rasa_timeout, connect=min(settings.rasa_timeout, 3.0)),
        limits=httpx.Limits(max_connections=50, max_keepalive_connections=20),
    )


async def relay(client: httpx.AsyncClient, sender: str, message: str) -> list:
    """Rasa's answer to `message` from `sender`, unchanged."""
    try:
        response = await client.post(REST_WEBHOOK, json={"sender": sender, "message": message})
    except httpx.HTTPError as exc:
        log.warning("chat relay failed: %s", type(exc).__name__)
        raise ChatUnavailable from None
    if response.status_code != 200:
        log.warning("chat relay failed: rasa status %s", response.status_code)
        raise ChatUnavailable
    try:
        replies = response.json()
    except ValueError:
        replies = None
    if not isinstance(replies, list):
        log.warning("chat relay failed: rasa answer is not a list")
        raise ChatUnavailable
    return replies
