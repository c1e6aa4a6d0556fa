"""The crisis net on a question: Rasa's crisis detector (`POST /webhooks/rest/crisis` of bot/channel.py) reads the
text, over the chat gateway's kept-alive clients (INTAKE_RASA_URL, INTAKE_RASA_TIMEOUT). Nothing is stored in Rasa.

Rasa unreachable, slow or answering nonsense counts as "unsure": the page then shows the helplines, as it would for
a message the detector doubts. The text is never logged; a failure is logged by its class only.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

import httpx

log = logging.getLogger("api.questions")
CRISIS_PATH = "/webhooks/rest/crisis"
BANDS = ("sure", "unsure", "none")
# Crisis kinds of the detector (bot/nlu/crisis_model.py) -> the help line of api/pages/texts.py that fits first.
HELP_LINE = {"danger": "help_112", "suicide": "help_113", "domestic_violence": "help_veilig_thuis",
             "sexual_violence": "help_csg"}
ALL_LINES = ("help_112", "help_113", "help_veilig_thuis", "help_csg")


@dataclass(frozen=True)
class Verdict:
    band: str
    kinds: list[str] = field(default_factory=list)
    acute: bool = False
    reached: bool = True  # False: Rasa did not answer, so the helplines are shown to be safe

    @property
    def show_help(self) -> bool:
        return self.band in ("sure", "unsure")

    def lines(self) -> list[tuple[str, bool]]:
        """Every help line, the ones that fit this text first and emphasised: as in the chat, the kind's own line,
        then 112 when the words say it is acute."""
        first = [HELP_LINE[k] for k in self.kinds if k in HELP_LINE] + (["help_112"] if self.acute else [])
        first = list(dict.fromkeys(first))
        return [(key, True) for key in first] + [(key, False) for key in ALL_LINES if key not in first]


UNREACHED = Verdict("unsure", reached=False)


async def check(clients: list[httpx.AsyncClient], text: str) -> Verdict:
    for index, client in enumerate(clients):
        try:
            response = await client.post(CRISIS_PATH, json={"text": text})
        except httpx.ConnectError:
            log.warning("crisis check: rasa %d of %d refused the connection", index + 1, len(clients))
            continue
        except httpx.HTTPError as exc:
            log.warning("crisis check failed: %s", type(exc).__name__)
            return UNREACHED
        return _verdict(response)
    return UNREACHED


def _verdict(response: httpx.Response) -> Verdict:
    try:
        body = response.json() if response.status_code == 200 else None
    except ValueError:
        body = None
    if not isinstance(body, dict) or body.get("band") not in BANDS:
        log.warning("crisis check failed: rasa status %s", response.status_code)
        return UNREACHED
    kinds = [k for k in body.get("kinds") or [] if isinstance(k, str)]
    return Verdict(body["band"], kinds, body.get("acute") is True)
