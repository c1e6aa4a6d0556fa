"""`python -m actions.purge` (run by `make purge`): delete the outbox's delivered rows and dead letters older than
INTAKE_OUTBOX_RETENTION_DAYS. Prints counts and reference codes only."""
from __future__ import annotations

import logging
import os
import sys

from actions.config import ConfigError, get_settings
from actions.outbox import Outbox


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    os.umask(0o077)  # a new outbox file: this user only
    try:
        settings = get_settings()
    except ConfigError as exc:
        print(f"actions.purge: {exc}", file=sys.stderr)
        return 1
    outbox = Outbox(settings)
    delivered, dead = outbox.forget_delivered(), outbox.purge_dead()
    print(f"Outbox: {delivered} delivered row(s) and {len(dead)} dead letter(s) older than "
          f"{settings.retention_days:g} days deleted{': ' + ', '.join(dead) if dead else ''}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
