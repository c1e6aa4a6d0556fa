"""Log format: one line per event. Log ids and counts only, never contact details or message text."""
from __future__ import annotations

import logging


def configure_logging() -> None:
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("api").setLevel(logging.INFO)
    # httpx logs full request URLs at INFO; ours contain nothing personal but keep relay logging in one place.
    logging.getLogger("httpx").setLevel(logging.WARNING)
