"""Relay of chat messages to Rasa's REST channel: one or several Rasa processes, kept-alive connections."""
from __future__ import annotations

import itertools
import logging
from typing import Any

import httpx

from api.core.config import Settings

log = logging.getLogger("api.chat")
REST_WEBHOOK = "/webhooks/rest/webhook"
SECRET_HEADER = "X-Intake-Secret"  # Rasa's REST channel (bot/channel.py) refuses any request without it


class ChatUnavailable(Exception):
    """Rasa is down, too slow or answered with something that is not a list of messages."""


class RasaGateway:
    """The Rasa processes of INTAKE_RASA_URL, one kept-alive client each.

    Turns go round-robin. With several processes the conversation's state lives in the shared Redis tracker store
    (bot/endpoints.redis.yml), so any process can take any turn; a process that refuses the connection (nothing was
    sent) is skipped and the next one takes the turn.
    """

    def __init__(self, settings: Settings) -> None:
        timeout = httpx.Timeout(settings.rasa_timeout, connect=min(settings.rasa_timeout, 3.0))
        limits = httpx.Limits(max_connections=50, max_keepalive_connections=20)
        headers = {SECRET_HEADER: settings.bot_secret.get_secret_value()} if settings.bot_secret else {}
        self.clients = [httpx.AsyncClient(base_url=url, timeout=timeout, limits=limits, headers=headers)
                        for url in settings.rasa_urls]
        self._turn = itertools.count()

    async def __aenter__(self) -> RasaGateway:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        for client in self.clients:
            await client.aclose()

    async def relay(self, sender: str, message: str) -> list[dict[str, Any]]:
        """Rasa's answer to `message` from `sender`, unchanged."""
        first = next(self._turn)
        for i in range(len(self.clients)):
            index = (first + i) % len(self.clients)
            try:
                response = await self.clients[index].post(REST_WEBHOOK, json={"sender": sender, "message": message})
            except httpx.ConnectError:
                log.warning("chat relay: rasa %d of %d refused the connection", index + 1, len(self.clients))
                continue
            except httpx.HTTPError as exc:
                log.warning("chat relay failed: %s", type(exc).__name__)
                raise ChatUnavailable from None
            return _replies(response)
        raise ChatUnavailable


def _replies(response: httpx.Response) -> list[dict[str, Any]]:
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
