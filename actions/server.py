"""`python -m actions.server --port N`: rasa-sdk's action server on 127.0.0.1, plus the outbox retry loop.

Differences from `rasa run actions`: bound to loopback only, no CORS (only Rasa calls it), errors answered
without echoing the request (the request carries the visitor's answers), and the retry thread."""
from __future__ import annotations

import argparse
import hmac
import logging
import os
import sys

from rasa_sdk import endpoint
from sanic import response
from sanic.exceptions import SanicException

from actions.config import ConfigError, get_settings
from actions.outbox import RetryLoop, get_outbox

log = logging.getLogger("actions.server")
HOST = "127.0.0.1"
SECRET_HEADER = "X-Intake-Secret"  # sent by Rasa (action_endpoint.headers in bot/endpoints*.yml)
OPEN_PATHS = frozenset({"/health"})  # the only route without the secret: says nothing but "ok"


def _no_cors(app, cors_origins=None) -> None:
    """Rasa calls the webhook server-to-server; browsers never should."""


def create_app(secret: str):
    endpoint.configure_cors = _no_cors
    app = endpoint.create_app("actions")
    expected = secret.encode()

    async def require_secret(request):
        # Anyone on the network could otherwise run our actions (and so hand registrations to the backend).
        if request.path in OPEN_PATHS:
            return None
        if hmac.compare_digest(request.headers.get(SECRET_HEADER, "").encode(), expected):
            return None
        log.warning("request without the right secret refused")  # nothing of the request: it is not ours
        return response.empty(status=401)

    app.register_middleware(require_secret, "request")

    async def error(request, exception):
        # rasa-sdk's handler returns and logs the request body, which holds slot values.
        if isinstance(exception, SanicException):  # 404, 405, ...: the caller's mistake
            return response.json({"error": type(exception).__name__}, status=exception.status_code)
        log.error("action failed: %s", type(exception).__name__)
        return response.json({"error": "action failed"}, status=500)

    app.error_handler.add(Exception, error)
    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=5055)
    parser.add_argument("--retry-interval", type=float, default=1.0, help="seconds between outbox rounds")
    args = parser.parse_args(argv)
    # INFO: rasa-sdk logs action payloads only at DEBUG.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("sanic.access").setLevel(logging.WARNING)

    os.umask(0o077)  # the outbox and its -wal/-shm files: this user only
    try:  # the first read of the settings: refuse before anything listens
        settings = get_settings()
    except ConfigError as exc:
        sys.exit(f"actions.server: {exc}")  # one line on stderr, exit status 1
    app = create_app(settings.bot_secret)
    loop = RetryLoop(get_outbox(settings), args.retry_interval)

    @app.listener("before_server_start")
    async def start_retry(_app, _loop):
        loop.start()

    @app.listener("after_server_stop")
    async def stop_retry(_app, _loop):
        loop.stop()

    log.info("action server on http://%s:%s", HOST, args.port)
    app.run(host=HOST, port=args.port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
