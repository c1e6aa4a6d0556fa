"""The one HTTP client of the action server to the backend: the hand-off of a registration, its withdrawal by the
registrant, and the report of one that cannot be delivered (a dead letter)."""
from __future__ import annotations

import enum
import logging

import httpx

from actions.config import Settings
from contract import ENDPOINTS

log = logging.getLogger(__name__)

REGISTRATIONS_PATH = ENDPOINTS["registrations"]
DEAD_LETTERS_PATH = ENDPOINTS["dead_letters"]
WITHDRAWAL_PATH = ENDPOINTS["withdrawal"]  # with {reference}

# One client for the process (thread-safe): `httpx.post` builds a client, and its TLS context, per call, which was
# a sixth of the action server's CPU time under load; this one keeps connections to the backend open too.
CLIENT = httpx.Client()


class Delivery(enum.Enum):
    DELIVERED = "delivered"
    RETRY = "retry"  # network trouble, 5xx, 408, 429: try again later
    REJECTED = "rejected"  # any other 4xx: sending again will not help


def deliver(settings: Settings, key: str, record: dict) -> tuple[Delivery, int | None]:
    """POST one record with its Idempotency-Key; returns the outcome and the HTTP status (None if no answer)."""
    return _post(settings, REGISTRATIONS_PATH, "hand-off", json=record,
                 headers={"Authorization": f"Bearer {settings.service_token}", "Idempotency-Key": key})


def withdraw(settings: Settings, reference: str) -> tuple[Delivery, int | None]:
    """Withdraw the registration with this code (one this action server handed off); the backend answers a repeat
    like the first time, so sending it again is safe. 404 (unknown) and 409 (closed already) are refusals."""
    return _post(settings, WITHDRAWAL_PATH.format(reference=reference), "withdrawal",
                 headers={"Authorization": f"Bearer {settings.service_token}"})


def _post(settings: Settings, path: str, what: str, **kwargs) -> tuple[Delivery, int | None]:
    try:
        response = CLIENT.post(settings.backend_url + path, timeout=settings.delivery_timeout, **kwargs)
    except httpx.HTTPError as exc:
        # Only the exception class: its message could echo the request.
        log.info("%s not delivered: %s", what, type(exc).__name__)
        return Delivery.RETRY, None
    status = response.status_code
    if status in (200, 201):
        return Delivery.DELIVERED, status
    if status in (408, 429) or status >= 500:
        log.info("%s not delivered: HTTP %s", what, status)
        return Delivery.RETRY, status
    log.warning("%s rejected: HTTP %s", what, status)
    return Delivery.REJECTED, status


def report_dead_letter(settings: Settings, key: str, reference: str, reason: str, last_status: int | None,
                       attempts: int) -> bool:
    """Tell staff (through the backend) that a hand-off is stuck: the code, key and numbers, never the record.
    True when the backend stored the report; otherwise the caller tries again later."""
    body = {"reference": reference, "idempotency_key": key, "reason": reason, "last_status": last_status,
            "attempts": attempts}
    try:
        response = CLIENT.post(settings.backend_url + DEAD_LETTERS_PATH, json=body,
                              headers={"Authorization": f"Bearer {settings.service_token}"},
                              timeout=settings.delivery_timeout)
    except httpx.HTTPError as exc:
        log.info("dead letter %s not reported: %s", reference, type(exc).__name__)
        return False
    if response.status_code in (200, 201):
        return True
    log.warning("dead letter %s not reported: HTTP %s", reference, response.status_code)
    return False
