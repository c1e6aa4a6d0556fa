"""A clock that tests move by hand (standard library only: both virtualenvs import it)."""
from __future__ import annotations


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now
