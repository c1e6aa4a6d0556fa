"""The REST channel's payload check (bot/channel.py) against the trained model's domain: every button the bot can
show still reaches Rasa as a payload, and anything else starting with "/" is what the visitor typed; every route of
the channel refuses a request without the backend's secret. The whole channel, with Rasa's log, is tested end to end
in tests/e2e/test_chat_to_backend.py."""
from __future__ import annotations

import logging
import re
import uuid

import aiohttp
import pytest

from actions.summary import FIELD_NAMES
from bot.channel import SECRET_HEADER, IntakeRestInput, as_rasa_input
from tests import stack
from tests.bot.helpers import run_apart


def domain_payloads(domain) -> set[str]:
    # The domain escapes braces in responses ("{{"); the visitor's browser receives, and sends back, single ones.
    return {button["payload"].replace("{{", "{").replace("}}", "}")
            for variations in domain.responses.values() for response in variations
            for button in response.get("buttons", [])}


def test_every_button_of_the_bot_is_a_payload(agent):
    payloads = domain_payloads(agent.domain)
    payloads |= {f'/change_answer{{"field":"{field}"}}' for field in [*FIELD_NAMES, "none"]}  # actions/summary.py
    assert len(payloads) > 60
    changed = {p: as_rasa_input(p, agent.domain) for p in payloads if as_rasa_input(p, agent.domain) != p}
    assert not changed, f"buttons that would reach Rasa as typed text: {changed}"


@pytest.mark.parametrize("typed, text", [
    ("/ik ben Noor 0612345678", "ik ben Noor 0612345678"),
    ("//Noor", "Noor"),
    ("/noor", "noor"),  # not an intent of the domain
    ('/inform{"role":"Noor"}', 'inform{"role":"Noor"}'),  # not a value a button sends
    ('/inform{"naam":"noor"}', 'inform{"naam":"noor"}'),  # not an entity of the domain
    ('/inform{"role":"affected"} ik ben Noor', 'inform{"role":"affected"} ik ben Noor'),
    ("/stop@0.1", "stop@0.1"),
    ("/", ""),
    ("Noor / 06 12345678", "Noor / 06 12345678"),
])
def test_anything_else_with_a_slash_is_typed_text(agent, typed, text):
    assert as_rasa_input(typed, agent.domain) == text


def test_without_a_domain_nothing_is_a_payload():
    assert as_rasa_input("/greet", None) == "greet"


SECRET = stack.TEST_ENV["INTAKE_BOT_SECRET"]
TYPED = "ik ben Noor 0612345678"


class Replying:
    """Stands in for Rasa's agent behind the channel: answers every message with "ok"."""
    domain = None

    async def handle_message(self, message) -> None:
        await message.output_channel.send_text_message(message.sender_id, "ok")


async def each_route(requests: dict[str, dict]) -> dict[tuple[str, str, str], tuple[int, str]]:
    """Serve the channel as Rasa registers it (under /webhooks/) and send, to every route and method of its
    blueprint, one request per entry of `requests` (name -> headers). Returns (name, method, path) -> (status, body)."""
    from rasa.core.channels.channel import register
    from sanic import Sanic

    app = Sanic(f"channel_test_{uuid.uuid4().hex}")
    app.ctx.agent = Replying()
    channel = IntakeRestInput(SECRET)
    register([channel], app, route="/webhooks/")
    port = stack.free_port()
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False)
    await server.startup()
    answers = {}
    try:
        routes = [r for r in app.router.routes if f"custom_webhook_{type(channel).__name__}" in r.name]
        assert {r.name.rsplit(".", 1)[1] for r in routes} >= {"receive", "health"}
        async with aiohttp.ClientSession() as session:
            for route in routes:
                path = "/" + re.sub(r"<[^>]+>", "x", route.path)
                for method in route.methods:
                    for name, headers in requests.items():
                        async with session.request(method, f"http://127.0.0.1:{port}{path}", headers=headers,
                                                   json={"sender": "s1", "message": TYPED}) as answer:
                            answers[(name, method, path)] = (answer.status, await answer.text())
    finally:
        server.close()
        await server.wait_closed()
    return answers


def test_every_route_of_the_channel_refuses_a_request_without_the_secret(caplog):
    caplog.set_level(logging.INFO)
    answers = run_apart(each_route({
        "none": {},
        "wrong": {SECRET_HEADER: SECRET[:-1] + ("a" if SECRET[-1] != "a" else "b")},
        "empty": {SECRET_HEADER: ""},
        "right": {SECRET_HEADER: SECRET},
    }))
    refused = {key: answer for key, answer in answers.items() if key[0] != "right"}
    assert refused and all(answer == (401, "") for answer in refused.values()), refused
    # With the secret every route does its own work (the crisis route refuses this body as a 400 of its own).
    assert all(answer[0] != 401 for key, answer in answers.items() if key[0] == "right"), answers
    assert answers[("right", "POST", "/webhooks/rest/webhook")] == (200, '[{"recipient_id":"s1","text":"ok"}]')
    assert "refused" in caplog.text
    assert TYPED not in caplog.text and "s1" not in caplog.text and SECRET[:8] not in caplog.text


@pytest.mark.parametrize("credentials", [None, {}, {"secret": ""}, {"secret": "s" * 31}])
def test_the_channel_will_not_run_without_a_secret(credentials):
    with pytest.raises(ValueError, match="secret"):
        IntakeRestInput.from_credentials(credentials)


def test_credentials_give_the_channel_the_secret_of_the_environment(monkeypatch):
    from rasa.shared.utils.io import read_config_file

    monkeypatch.setenv("INTAKE_BOT_SECRET", SECRET)
    credentials = read_config_file(str(stack.ROOT / "bot" / "credentials.yml"))
    channel = IntakeRestInput.from_credentials(credentials["bot.channel.IntakeRestInput"])
    assert channel._secret == SECRET.encode()
