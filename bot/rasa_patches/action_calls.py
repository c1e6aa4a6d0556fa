"""Rasa's requests to the action server, with the body written by orjson instead of the json module.

Every call to the action server carries the whole tracker and the domain, and Rasa's aiohttp session writes it with
`json.dumps`; orjson writes the same JSON much faster (docs/PERFORMANCE.md has the figures), in UTF-8 where
`json.dumps` writes \\u escapes, and null for a NaN, which JSON has no word for. A body orjson cannot write goes to
`json.dumps`, so what fails, fails as it does in Rasa. The action server is the only endpoint this process calls.
"""
from __future__ import annotations

import json
from typing import Any

import aiohttp
import orjson
from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig


def encode(body: Any) -> str:
    try:
        return orjson.dumps(body, option=orjson.OPT_NON_STR_KEYS).decode()
    except orjson.JSONEncodeError:
        return json.dumps(body)


PATCHED = (EndpointConfig, "session")
rasa_original = EndpointConfig.session


def session(self: EndpointConfig) -> aiohttp.ClientSession:
    """Rasa 3.6.21's `EndpointConfig.session`, with `encode` as the session's JSON writer."""
    auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"]) if self.basic_auth else None
    return aiohttp.ClientSession(headers=self.headers, auth=auth, json_serialize=encode,
                                 timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT))


def apply() -> None:
    """Make every endpoint of this process write its JSON bodies with `encode` (idempotent)."""
    EndpointConfig.session = session
