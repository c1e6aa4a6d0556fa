"""`python -m actions.rotate` (run by `make rotate`): re-encrypt the outbox's records with the newest of
INTAKE_OUTBOX_KEYS, so older keys can be removed. Prints counts only."""
from __future__ import annotations

import sys

from actions.outbox import command_outbox


def main() -> int:
    outbox = command_outbox("rotate")
    if outbox is None:
        return 1
    counts = outbox.rotate_keys()
    print(f"Outbox: {counts['rotated']} record(s) re-encrypted, {counts['current']} already current"
          + (f", {counts['unreadable']} NOT readable with any configured key (left as they are)"
             if counts["unreadable"] else "") + ".")
    if counts["unreadable"]:
        print("some outbox records could not be decrypted: keep every old key until they are", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
