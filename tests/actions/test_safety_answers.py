"""How the visitor's typed answer to "does this happen now?" is read (actions/safety.py)."""
from __future__ import annotations

import pytest

from actions.safety import answer_is_past


@pytest.mark.parametrize("text, intent", [("nee", "deny"), ("nee hoor", None), ("dat was jaren geleden", None),
                                          ("het is voorbij", None), ("niet nu", None), ("no, years ago", None),
                                          ("not anymore", None)])
def test_a_clear_no_is_past(text, intent):
    assert answer_is_past(text, intent)


@pytest.mark.parametrize("text, intent", [("ja", "affirm"), ("ja nu", None), ("weet ik niet", None), ("", None),
                                          ("hij is er nog", None), ("help", None), ("yes", None), ("nee, nu!", None),
                                          ("misschien", "inform")])
def test_yes_or_anything_unclear_counts_as_now(text, intent):
    assert not answer_is_past(text, intent)
