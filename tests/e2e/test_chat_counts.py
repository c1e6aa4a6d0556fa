"""The chat's counters on the whole stack: after a conversation with a name and a phone number, typed and given in
the form, through to a registration, no table of the backend's database holds the name, the number or the sender
id in plain text, and chat_counts holds what happened, counted."""
from __future__ import annotations

import sqlite3
import time

from api.statistics.chat_keys import METRICS
from tests.e2e.helpers import SECRET_VALUES, register_through_chat

TYPED_NAME, TYPED_PHONE = "Wouter Zeldzaam-Nummer", "06 13572468"


def every_cell(db_path) -> dict[str, list[str]]:
    """Every value of every table, as text, read past the application (no decryption)."""
    with sqlite3.connect(db_path) as db:
        tables = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {table: [str(value) for row in db.execute(f'SELECT * FROM "{table}"') for value in row]
                for table in tables}


def counted(db_path) -> dict[tuple[str, str], int]:
    with sqlite3.connect(db_path) as db:
        return {(m, k): n for m, k, n in db.execute("SELECT metric, key, SUM(count) FROM chat_counts "
                                                   "GROUP BY metric, key")}


def test_after_a_conversation_no_table_holds_its_words_and_the_counts_are_there(full_stack, sender):
    full_stack.chat(sender, "/greet")
    full_stack.chat(sender, f"Ik ben {TYPED_NAME}, bel me op {TYPED_PHONE}")
    full_stack.chat(sender, "wat kost het")
    register_through_chat(full_stack, sender)

    expected = {("conversations", "nl"): 1, ("faq", "cost"): 1, ("intake", "started"): 1,
                ("intake", "summary"): 1, ("intake", "sent"): 1}
    deadline = time.monotonic() + 30  # Rasa sends its counts every 5 seconds
    while time.monotonic() < deadline:
        counts = counted(full_stack.db_path)
        if all(counts.get(k, 0) >= n for k, n in expected.items()):
            break
        time.sleep(0.5)
    assert all(counts.get(k, 0) >= n for k, n in expected.items()), counts
    assert all(key in dict(METRICS[metric]) for metric, key in counts)

    cells = every_cell(full_stack.db_path)
    assert "chat_counts" in cells and "registrations" in cells
    secrets = [TYPED_NAME, "Zeldzaam", "13572468", "+31613572468", SECRET_VALUES["name"], "48765432",
               "+31648765432", SECRET_VALUES["email"], "Kees-Zeldzaam", sender]
    found = [(table, secret) for table, values in cells.items() for value in values for secret in secrets
             if secret.lower() in value.lower()]
    assert found == []
