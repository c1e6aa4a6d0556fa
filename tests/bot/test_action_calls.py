"""bot/rasa_patches/action_calls.py: a request Rasa sends to the action server arrives as the same JSON, with the same
headers, as with Rasa's own `json.dumps`; what orjson cannot write is written by `json.dumps`."""
from __future__ import annotations

import json

import pytest
from aiohttp import web
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

from bot.rasa_patches import action_calls


@pytest.mark.session_loop
async def test_a_real_action_call_arrives_as_rasa_writes_it(chat):
    assert EndpointConfig.session is action_calls.session  # as the served process and the agent have it
    await chat("hoi, ik ben Zoë en ik twijfel of dit iets voor mij is")  # not ASCII: UTF-8 instead of \u escapes
    processor = chat.agent.processor
    tracker = await processor.get_tracker(chat.sender)
    body = RemoteAction("validate_intake_form", None)._action_call_format(tracker, processor.domain)
    received = []

    async def webhook(request: web.Request) -> web.Response:
        received.append((await request.read(), dict(request.headers)))
        return web.json_response({"events": [], "responses": []})

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    try:
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook", headers={"X-Intake": "1"},
                                  basic_auth={"username": "rasa", "password": "secret"})
        assert await endpoint.request(json=body, method="post") == {"events": [], "responses": []}
    finally:
        await runner.cleanup()
    raw, headers = received[0]
    assert json.loads(raw) == json.loads(json.dumps(body))
    assert "Zoë".encode() in raw and b"Zo\\u00eb" not in raw
    assert headers["Content-Type"] == "application/json" and headers["X-Intake"] == "1"
    assert headers["Authorization"].startswith("Basic ")


def test_what_orjson_cannot_write_goes_to_json_dumps():
    body = {"big": 2 ** 70, 3: "a number as a key"}  # past 64 bits; a key json.dumps writes as "3"
    assert action_calls.encode(body) == json.dumps(body)
    assert json.loads(action_calls.encode({3: "x", "é": [1.5, None]})) == {"3": "x", "é": [1.5, None]}
