"""The two ways to sign up stay short: counted on the trained model with the real action server."""
from __future__ import annotations

import pytest

from bot.intake_turns import TARGET_CALLBACK, TARGET_REGISTRATION, count_turns


@pytest.mark.session_loop
async def test_a_full_registration_and_a_call_back_take_few_turns(agent):
    turns = await count_turns(agent)
    assert turns.registration <= TARGET_REGISTRATION, turns.line()
    assert turns.callback <= TARGET_CALLBACK, turns.line()
    # Both walks end with a reference code, so each took at least its opening and its consent.
    assert turns.callback >= 3 and turns.registration > turns.callback
