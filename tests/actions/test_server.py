"""The action server process: loopback only, health, the secret of Rasa's calls, no CORS, no answers or tracebacks
with visitor data."""
from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request

import pytest

from tests import stack

PHONE = "0687654321"
SECRET = {"X-Intake-Secret": stack.TEST_ENV["INTAKE_BOT_SECRET"]}  # what Rasa sends (bot/endpoints*.yml)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("actions")
    proc, webhook = stack.start_actions(tmp, f"http://127.0.0.1:{stack.free_port()}", tmp / "outbox.sqlite3")
    yield proc, webhook.rsplit("/", 1)[0]
    proc.stop()


def post(url: str, body: dict | None, headers: dict | None = None, secret: dict = SECRET) -> tuple[int, dict, dict]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data, {"Content-Type": "application/json", **secret, **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), json.loads(err.read() or b"{}")


def call(action: str, slots: dict, events: list) -> dict:
    return {"next_action": action, "sender_id": "s1", "version": "3.6.21",
            "domain": {"forms": {"intake_form": {"required_slots": ["phone"]}}, "slots": {}},
            "tracker": {"sender_id": "s1", "slots": slots, "latest_message": {"text": PHONE}, "events": events,
                        "paused": False, "followup_action": None, "active_loop": {"name": "intake_form"},
                        "latest_action_name": "intake_form"}}


def test_health_and_loopback_only(server):
    proc, base = server
    with urllib.request.urlopen(base + "/health", timeout=5) as response:
        assert response.status == 200
    port = int(base.rsplit(":", 1)[1])
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("10.255.255.255", 1))  # no packet is sent; this only picks the outward address
        other = probe.getsockname()[0]
    except OSError:
        pytest.skip("no non-loopback address on this machine")
    finally:
        probe.close()
    with pytest.raises(OSError):
        socket.create_connection((other, port), timeout=2).close()


def test_validation_over_http_without_cors_and_without_logging_answers(server):
    proc, base = server
    events = [{"event": "action", "name": "intake_form"}, {"event": "slot", "name": "phone", "value": PHONE}]
    status, headers, body = post(base + "/webhook", call("validate_intake_form", {"phone": PHONE}, events),
                                 {"Origin": "https://elsewhere.example"})
    assert status == 200
    assert {"event": "slot", "name": "phone", "value": "+31687654321", "timestamp": None} in body["events"]
    assert not any(h.lower().startswith("access-control-") for h in headers)
    assert PHONE not in proc.log_text() and "31687654321" not in proc.log_text()


def test_errors_do_not_echo_the_request(server):
    proc, base = server
    # A tracker the form cannot read makes the action fail inside rasa-sdk.
    broken = call("validate_intake_form", {"phone": PHONE}, [{"event": "slot", "name": "phone", "value": PHONE}])
    broken["tracker"]["slots"] = "not-a-dict-" + PHONE
    status, _, body = post(base + "/webhook", broken)
    assert status == 500 and PHONE not in json.dumps(body)
    assert PHONE not in proc.log_text()
    status, _, body = post(base + "/webhook", call("action_does_not_exist", {}, []))
    assert status == 404


@pytest.mark.parametrize("secret", [{}, {"X-Intake-Secret": ""}, {"X-Intake-Secret": "x" * 43},
                                    {"X-Intake-Secret": stack.TEST_ENV["INTAKE_BOT_SECRET"] + "x"}])
def test_every_route_but_health_refuses_a_call_without_the_secret(server, secret):
    proc, base = server
    body = call("validate_intake_form", {"phone": PHONE}, [{"event": "slot", "name": "phone", "value": PHONE}])
    for path, payload in (("/webhook", body), ("/actions", None)):
        status, _, answer = post(base + path, payload, secret=secret)
        assert (status, answer) == (401, {}), path
    assert post(base + "/actions", None)[0] == 200  # the same call with the secret
    with urllib.request.urlopen(base + "/health", timeout=5) as response:
        assert response.status == 200
    assert PHONE not in proc.log_text() and stack.TEST_ENV["INTAKE_BOT_SECRET"] not in proc.log_text()
    assert "request without the right secret refused" in proc.log_text()
