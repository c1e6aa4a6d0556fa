"""Chat load benchmark: N concurrent simulated visitors through `POST /api/chat`.

    .venv/api/bin/python -m bench.chat [--visitors 20] [--duration 60 | --conversations 200] [--think 3] [--url URL]
                                       [--stock]

A third of the conversations are typed FAQ questions, a third button clicks (/greet, /explain_service, /explore and
the buttons that follow), a third complete intakes (tests/intake_script.py) that must end in a reference code.
Without --url it starts backend, action server and Rasa (tests/stack.py) on free ports with a throw-away SQLite
database; with --stock it also starts a second stack on the stock-config model (bench/stock-config.yml, trained once
to var/bench/stock.tar.gz) and runs the same load on it. Nothing a visitor types is printed or logged.

Two phases on each stack: *saturation* (every visitor sends its next message as soon as the answer is in: the most
turns per second the stack can take) and, with --think S, *paced* (each visitor first reads and types for a random
0.5 S .. 1.5 S, as people do: the latency a visitor feels while 20 people chat at once).

The last line reads `turns/s=<n> p95_ms=<n> vs_stock=<ratio>x`: turns/s of the saturation phase, p95 of the paced
phase (of the saturation phase without --think), and the ratio of saturation turns/s, ours over stock (n/a without
--stock).
"""
from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests import stack
from tests.intake_script import BUTTONS, CODE, asked

# Typed the way visitors type; none of them asks for or gives personal data.
FAQ_QUESTIONS = [
    "moet ik betalen voor zo'n traject?", "krijgt mijn baas dit te horen", "kan ik er op elk moment mee kappen",
    "t is al 15 jaar geleden kan het dan nog", "moet ik eerst naar de politie om aangifte te doen",
    "moet ik hem echt zien", "wat als de ander geen contact wil", "wat is jullie nummer",
    "mag ik als hulpverlener een cliënt aanmelden?", "is dit niet gewoon therapie?",
    "wat is herstelbemiddeling eigenlijk", "kan het ook via brieven", "hoe lang duurt zoiets",
    "wie is de bemiddelaar", "kiest de bemiddelaar partij?", "wat gebeurt er na de aanmelding",
    "blijft dit geheim", "kan ik iemand meenemen naar het gesprek", "hoe werkt het precies",
    "wat kost het", "hoi", "dankjewel",
]
BUTTON_START = ["/greet", "/explain_service", "/explore"]
# Buttons that would leave the "just looking" path (an intake or a call-back with contact details).
SKIP_BUTTONS = ("/start_registration", "/request_callback", "/start_referral")
KINDS = ("faq", "buttons", "intake")
TIMEOUT = 30.0


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)  # seconds, successful turns only
    errors: dict[str, int] = field(default_factory=dict)
    conversations: dict[str, int] = field(default_factory=lambda: {k: 0 for k in KINDS})
    intakes_done: int = 0
    intakes_cut: int = 0  # stopped by the end of a --duration run: not an error
    elapsed: float = 0.0

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    @property
    def turns(self) -> int:
        return len(self.latencies)

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def rate(self) -> float:
        return self.turns / self.elapsed if self.elapsed else 0.0

    def pct_ms(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        data = sorted(self.latencies)
        return 1000 * data[min(len(data) - 1, max(0, math.ceil(p / 100 * len(data)) - 1))]  # nearest rank


class Stop(Exception):
    """The run is over (deadline reached): drop the conversation without counting it as an error."""


class Visitor:
    def __init__(self, client: httpx.AsyncClient, url: str, result: Result, deadline: float | None,
                 rng: random.Random, think: float = 0.0) -> None:
        self.client, self.url, self.result, self.deadline, self.rng = client, url, result, deadline, rng
        self.think = think

    async def turn(self, sender: str, message: str) -> list[dict] | None:
        if self.think:  # reading the last answer and typing this message
            await asyncio.sleep(self.rng.uniform(0.5 * self.think, 1.5 * self.think))
        if self.deadline is not None and time.monotonic() >= self.deadline:
            raise Stop
        started = time.monotonic()
        try:
            r = await self.client.post(self.url, json={"sender": sender, "message": message}, timeout=TIMEOUT)
        except httpx.TimeoutException:
            self.result.error("timeout")
            return None
        except httpx.HTTPError:
            self.result.error("connection")
            return None
        took = time.monotonic() - started
        if r.status_code != 200:
            self.result.error(f"http_{r.status_code}")
            return None
        self.result.latencies.append(took)
        return r.json()

    async def faq(self, sender: str) -> None:
        for question in self.rng.sample(FAQ_QUESTIONS, 3):
            if await self.turn(sender, question) is None:
                return

    async def buttons(self, sender: str) -> None:
        replies: list[dict] | None = []
        for payload in BUTTON_START:
            replies = await self.turn(sender, payload)
            if replies is None:
                return
        for _ in range(3):  # then the buttons the bot offers (the three explore questions)
            offered = [b["payload"] for r in replies for b in r.get("buttons", []) or []
                       if not b.get("payload", "").startswith(SKIP_BUTTONS)]
            if not offered:
                return
            replies = await self.turn(sender, self.rng.choice(offered))
            if replies is None:
                return

    async def intake(self, sender: str) -> None:
        if await self.turn(sender, "/greet") is None:
            return
        replies = await self.turn(sender, "/start_registration")
        for _ in range(25):
            if replies is None:
                return
            text = "\n".join(r.get("text", "") or "" for r in replies)
            if CODE.search(text):
                self.result.intakes_done += 1
                return
            question = asked(text)
            if question is None:
                self.result.error("intake_no_code")  # an unexpected reply: the intake cannot go on
                return
            replies = await self.turn(sender, "/affirm" if question in ("summary", "consent") else BUTTONS[question])
        self.result.error("intake_no_code")

    async def run(self, kind: str) -> None:
        self.result.conversations[kind] += 1
        await getattr(self, kind)(str(uuid.uuid4()))


async def drive(url: str, visitors: int, duration: float | None, conversations: int | None, seed: int,
                think: float = 0.0) -> Result:
    result = Result()
    chat_url = url.rstrip("/") + "/api/chat"
    limits = httpx.Limits(max_connections=visitors + 5, max_keepalive_connections=visitors + 5)
    async with httpx.AsyncClient(limits=limits) as client:
        # Warm-up, not measured: the first messages load graphs and fill caches.
        warm = Visitor(client, chat_url, Result(), None, random.Random(seed))
        await warm.faq(str(uuid.uuid4()))
        await warm.buttons(str(uuid.uuid4()))

        started = time.monotonic()
        deadline = started + duration if duration else None
        counter = iter(range(10**9))

        async def visitor(i: int) -> None:
            v = Visitor(client, chat_url, result, deadline, random.Random(seed * 1000 + i), think)
            while True:
                n = next(counter)
                if conversations is not None and n >= conversations:
                    return
                try:
                    await v.run(KINDS[n % 3])
                except Stop:
                    result.intakes_cut += KINDS[n % 3] == "intake"
                    return

        await asyncio.gather(*(visitor(i) for i in range(visitors)))
        result.elapsed = time.monotonic() - started
    return result


# --- peak memory: VmHWM from /proc (psutil is not installed) ------------------------------------------
def _vm_hwm_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        for children in Path(f"/proc/{p}/task").glob("*/children"):
            try:
                kids = [int(c) for c in children.read_text().split()]
            except OSError:
                continue
            found += kids
            todo += kids
    return found


def cpu_seconds(processes: dict[str, stack.Process]) -> dict[str, float]:
    """User + system CPU time of each process and its children so far (/proc/<pid>/stat, fields 14 and 15)."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for name, proc in processes.items():
        total = 0
        for pid in [proc.proc.pid, *_descendants(proc.proc.pid)]:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime (the fields after "pid (comm)" start at 3)
        out[name] = total / tick
    return out


def peak_memory(processes: dict[str, stack.Process]) -> dict[str, tuple[int, int]]:
    out = {}
    for name, proc in processes.items():
        own = _vm_hwm_kb(proc.proc.pid)
        out[name] = (own, own + sum(_vm_hwm_kb(c) for c in _descendants(proc.proc.pid)))
    return out


# --- stacks -------------------------------------------------------------------------------------------
def start_stack(tmp: Path, model: Path | None, rasa: int) -> tuple[dict[str, stack.Process], str]:
    """Backend, action server and `rasa` Rasa processes (several: behind the gateway, sharing Redis db 12)."""
    processes: dict[str, stack.Process] = {}
    ports = [stack.free_port() for _ in range(rasa)]
    try:
        processes["backend"], backend_url = stack.start_backend(
            tmp, f"sqlite:///{tmp / 'intake.sqlite3'}", rasa_url=",".join(f"http://127.0.0.1:{p}" for p in ports))
        processes["actions"], actions_url = stack.start_actions(tmp, backend_url, tmp / "outbox.sqlite3")
        for i, (proc, _url) in enumerate(stack.start_rasa_processes(tmp, actions_url, ports, model, redis_db=12)):
            processes["rasa" if rasa == 1 else f"rasa{i + 1}"] = proc
    except BaseException:
        stop_stack(processes)
        raise
    return processes, backend_url


def stop_stack(processes: dict[str, stack.Process]) -> None:
    for p in reversed(list(processes.values())):
        p.stop()


def phases(url: str, args, processes: dict[str, stack.Process] | None = None) -> tuple[Result, Result | None]:
    """The saturation phase, then (with --think) the paced phase, on one running stack."""
    print("-- saturation: the next message as soon as the answer is in --", flush=True)
    saturated = phase(url, args, processes, args.seed, 0.0)
    if not args.think:
        return saturated, None
    print(f"-- paced: {0.5 * args.think:g}..{1.5 * args.think:g} s to read and type before each message --", flush=True)
    return saturated, phase(url, args, processes, args.seed + 1, args.think)


def phase(url: str, args, processes: dict[str, stack.Process] | None, seed: int, think: float) -> Result:
    """One phase, reported; with the processes known, also the CPU time each spent per measured turn (the few
    warm-up turns included): steadier than turns per second on a machine whose neighbours come and go."""
    before = cpu_seconds(processes) if processes else {}
    result = asyncio.run(drive(url, args.visitors, args.duration, args.conversations, seed, think))
    report(result, args)
    if processes and result.turns:
        used = {n: (t - before[n]) * 1000 / result.turns for n, t in cpu_seconds(processes).items()}
        print("CPU ms per turn: " + "  ".join(f"{n}={ms:.1f}" for n, ms in used.items()) + "\n", flush=True)
    return result


def measure(label: str, args, model: Path | None) -> tuple[Result, Result | None]:
    print(f"== {label} ==", flush=True)
    if args.url and model is None:
        return phases(args.url, args)
    with tempfile.TemporaryDirectory(prefix="bench-chat-") as tmp:
        t0 = time.monotonic()
        processes, url = start_stack(Path(tmp), model, args.rasa)
        print(f"stack started in {time.monotonic() - t0:.0f}s", flush=True)
        try:
            saturated, paced = phases(url, args, processes)
            memory = peak_memory(processes)
        finally:
            stop_stack(processes)
    mem = "  ".join(f"{n}={own / 1024:.0f}" + (f" (+children {(total - own) / 1024:.0f})" if total > own else "")
                    for n, (own, total) in memory.items())
    print(f"peak RSS MiB (VmHWM, both phases): {mem}\n", flush=True)
    return saturated, paced


def report(r: Result, args) -> None:
    convs = ", ".join(f"{k}={v}" for k, v in r.conversations.items())
    print(f"visitors={args.visitors} elapsed={r.elapsed:.1f}s conversations: {convs};"
          f" intakes with code={r.intakes_done}"
          f" (cut off by the end of the run: {r.intakes_cut})")
    errors = ", ".join(f"{k}={v}" for k, v in sorted(r.errors.items())) or "none"
    print(f"turns={r.turns} turns/s={r.rate:.2f} errors={r.error_count} ({errors})")
    print(f"latency per turn ms: p50={r.pct_ms(50):.0f} p95={r.pct_ms(95):.0f} p99={r.pct_ms(99):.0f} "
          f"max={1000 * max(r.latencies, default=0):.0f}")
    print(flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--visitors", type=int, default=20)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--duration", type=float, help="seconds of load (default 60)")
    group.add_argument("--conversations", type=int, help="total conversations instead of a duration")
    parser.add_argument("--think", type=float, default=0.0,
                        help="mean seconds a visitor reads and types before each message: adds the paced phase")
    parser.add_argument("--rasa", type=int, default=1,
                        help="Rasa processes behind the gateway (several share conversations through Redis db 12)")
    parser.add_argument("--url", help="base URL of a running backend (else a stack is started)")
    parser.add_argument("--stock", action="store_true", help="also measure the stock Rasa config")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.duration is None and args.conversations is None:
        args.duration = 60.0

    stock_model = None
    if args.stock:  # train before measuring: training must not overlap the load
        from bench.stock import ensure_model
        stock_model = ensure_model(quiet=True)  # rasa train output: var/bench/stock-train.log

    ours_label = "ours: config.yml, " + (args.url or str(stack.MODEL.relative_to(stack.ROOT)))
    ours, ours_paced = measure(ours_label, args, None)
    ratio = "n/a"  # the brief: vs_stock=n/a without --stock
    if stock_model is not None:
        stock, stock_paced = measure(f"stock: bench/stock-config.yml, {stock_model.relative_to(stack.ROOT)}", args,
                                     stock_model)
        ratio = f"{ours.rate / stock.rate:.2f}" if stock.rate else "inf"
        if stock_paced is not None:
            print(f"stock: turns/s={stock.rate:.2f} (saturation) p95_ms={stock_paced.pct_ms(95):.0f} (paced)")
    latency = ours_paced or ours
    print(f"ours: p95_ms={ours.pct_ms(95):.0f} at saturation, "
          + (f"{latency.pct_ms(95):.0f} paced ({args.think:g} s think time)" if ours_paced else "no paced phase"))
    print(f"turns/s={ours.rate:.2f} p95_ms={latency.pct_ms(95):.0f} vs_stock={ratio}{'' if ratio == 'n/a' else 'x'}")


if __name__ == "__main__":
    main()
