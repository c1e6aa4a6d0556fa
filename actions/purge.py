"""`python -m actions.purge` (run by `make purge`): delete the outbox's delivered rows and dead letters older than
INTAKE_OUTBOX_RETENTION_DAYS. Prints counts and reference codes only."""
from __future__ import annotations

import logging
import sys

from actions.outbox import command_outbox


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    outbox = command_outbox("purge")
    if outbox is None:
        return 1
    delivered, dead = outbox.forget_delivered(), outbox.purge_dead()
    print(f"Outbox: {delivered} delivered row(s) and {len(dead)} dead letter(s) older than "
          f"{outbox.settings.retention_days:g} days deleted{': ' + ', '.join(dead) if dead else ''}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
