"""Every Dutch response in bot/domain reads at B1: Flesch-Douma mean >= 65, none below 40, none over 60 words."""
from __future__ import annotations

from bot import evaluate


def test_dutch_copy_is_plain_and_short():
    result = evaluate.readability()
    assert result["count"] > 50
    assert result["too_long"] == {}
    assert result["too_hard"] == {}
    assert result["mean"] >= evaluate.MIN_MEAN_READING_EASE


def test_reading_ease_tells_plain_from_dense_dutch():
    plain = "Het kost je niets. Je mag altijd stoppen."
    dense = ("De herstelbemiddelingsprocedure vereist voorafgaande toestemming van alle betrokken "
             "belanghebbenden, overeenkomstig de geldende privacywetgeving en gedragsregels.")
    assert evaluate.reading_ease(plain) > 65 > evaluate.reading_ease(dense)
