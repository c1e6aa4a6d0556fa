"""The Rasa process: `python -m bot.serve run ...` is `rasa run ...` (and `... test core ...` is `rasa test core`),
with the Rasa patches applied (bot/rasa_patches: how Rasa computes, not what; refused on another Rasa release,
skipped with INTAKE_RASA_PATCHES=off).

Before Rasa reads its files, the start-up refuses what must not run: `--enable-api` (Rasa's HTTP API loads models and
rewrites conversations for anyone who reaches it) and `--cors`, a missing or weak INTAKE_BOT_SECRET (the secret of the
REST channel and of the calls to the action server), and an INTAKE_REDIS_TLS it cannot read.
"""
from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping, Sequence
from pathlib import Path

from bot import rasa_patches

REFUSED_OPTIONS = ("--enable-api", "--cors")
TRUE, FALSE = ("1", "true", "yes", "on"), ("", "0", "false", "no", "off")


def refused_option(argv: Sequence[str]) -> str | None:
    """The first of REFUSED_OPTIONS on the command line, also abbreviated (argparse takes `--enable` for it)."""
    for arg in argv:
        name = arg.split("=", 1)[0]
        if name.startswith("--") and len(name) > 2:
            for option in REFUSED_OPTIONS:
                if option.startswith(name):
                    return option
    return None


def prepare_environment(env: MutableMapping[str, str]) -> str | None:
    """What is wrong with the environment, in one line naming the variable (never its value); else None, with the
    optional Redis variables of bot/endpoints.redis.yml given the values Rasa and redis-py read as "off"."""
    from actions.config import BOT_SECRET_VARIABLE, MIN_SECRET_LENGTH, is_weak_secret

    if is_weak_secret(env.get(BOT_SECRET_VARIABLE, "")):
        return (f"refusing to start: {BOT_SECRET_VARIABLE} is missing, shorter than {MIN_SECRET_LENGTH} characters "
                "or a published value")
    tls = env.get("INTAKE_REDIS_TLS", "").strip().lower()
    if tls not in TRUE + FALSE:
        return "refusing to start: INTAKE_REDIS_TLS must be true or false"
    env["INTAKE_REDIS_TLS"] = "true" if tls in TRUE else ""  # Rasa passes a string: any non-empty one is TLS on
    env.setdefault("INTAKE_REDIS_PASSWORD", "")  # empty: no AUTH
    ca_file = env.setdefault("INTAKE_REDIS_CA_CERTS", "")
    if tls in TRUE and not Path(ca_file).is_file():
        return "refusing to start: INTAKE_REDIS_TLS is on and INTAKE_REDIS_CA_CERTS is not a file"
    return None


def main(argv: Sequence[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else list(argv)
    option = refused_option(argv)
    if option:
        sys.exit(f"bot.serve: {option} is refused: it opens Rasa to anyone who can reach it")
    # Only the server reads the channel's credentials and the endpoints (`test core` reads neither).
    problem = prepare_environment(os.environ) if argv[:1] == ["run"] else None
    if problem:
        sys.exit(f"bot.serve: {problem}")  # one line on stderr, exit status 1
    try:
        rasa_patches.apply()
    except (rasa_patches.RasaVersionError, ValueError) as exc:
        sys.exit(f"bot.serve: refusing to start: {exc}")
    from rasa.__main__ import main as rasa_main

    rasa_main()  # reads the command line as `rasa` does


if __name__ == "__main__":
    main()
