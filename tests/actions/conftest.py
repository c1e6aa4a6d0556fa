"""Fixtures for the action tests: the real domain, and a stand-in for the backend (tests/actions/helpers.py)."""
from __future__ import annotations

import pytest

from tests import stack
from tests.actions.helpers import StandIn


@pytest.fixture(scope="session")
def domain() -> dict:
    from rasa.shared.core.domain import Domain

    return Domain.load(str(stack.ROOT / "bot" / "domain")).as_dict()


@pytest.fixture
def standin():
    server = StandIn().start()
    yield server
    server.stop()
