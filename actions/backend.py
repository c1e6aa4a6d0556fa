"""The one HTTP client of the action server to the backend: the hand-off of a registration."""
from __future__ import annotations

import enum
import logging

import httpx

from actions.config import Settings

log = logging.getLogger(__name__)

REGISTRATIONS_PATH = "/api/internal/registrations"


class Delivery(enum.Enum):
    DELIVERED = "delivered"
    RETRY = "retry"  # network trouble, 5xx, 408, 429: try again later
    REJECTED = "rejected"  # any other 4xx: sending again will not help


def deliver(settings: Settings, key: str, record: dict) -> tuple[Delivery, int | None]:
    """POST one record with its Idempotency-Key; returns the outcome and the HTTP status (None if no answer)."""
    try:
        response = httpx.post(
            settings.backend_url + REGISTRATIONS_PATH,
            json=record,
            headers={"Authorization": f"Bearer {settings.service_token}", "Idempotency-Key": key},
            timeout=settings.delivery_timeout,
        )
    except httpx.HTTPError as exc:
        # Only the exception class: its message could echo the request.
        log.info("hand-off not delivered: %s", type(exc).__name__)
        return Delivery.RETRY, None
    status = response.status_code
    if status in (200, 201):
        return Delivery.DELIVERED, status
    if status in (408, 429) or status >= 500:
        log.info("hand-off not delivered: HTTP %s", status)
        return Delivery.RETRY, status
    log.warning("hand-off rejected: HTTP %s", status)
    return Delivery.REJECTED, status
