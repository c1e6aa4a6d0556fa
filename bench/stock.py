"""Train the stock-config model once: var/bench/stock.tar.gz, retrained only when its inputs changed.

Same content-hash idea as the Makefile's models/.fingerprint: sha256 over bench/stock-config.yml and every file
of bot/domain, bot/nlu and data/ (not __pycache__). Standard library only.

    .venv/api/bin/python -m bench.stock      # train if needed, print the model path
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "bench" / "stock-config.yml"
OUT = ROOT / "var" / "bench"
MODEL = OUT / "stock.tar.gz"
FINGERPRINT = OUT / "stock.fingerprint"
RASA = ROOT / ".venv" / "bot" / "bin" / "rasa"


def fingerprint() -> str:
    files = [CONFIG]
    for top in ("bot/domain", "bot/nlu", "data"):
        for p in (ROOT / top).rglob("*"):
            if p.is_file() and "__pycache__" not in p.parts:
                files.append(p)
    outer = hashlib.sha256()
    for p in sorted(files, key=lambda f: str(f.relative_to(ROOT))):
        outer.update(f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(ROOT)}\n".encode())
    return outer.hexdigest()


def ensure_model(quiet: bool = False) -> Path:
    """Return the stock model, training it first when it is missing or its inputs changed."""
    fp = fingerprint()
    if MODEL.exists() and FINGERPRINT.exists() and FINGERPRINT.read_text().strip() == fp:
        return MODEL
    OUT.mkdir(parents=True, exist_ok=True)
    print("bench: training the stock-config model (several minutes) ...", file=sys.stderr, flush=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    cmd = [str(RASA), "train", "--config", str(CONFIG.relative_to(ROOT)), "--domain", "bot/domain",
           "--data", "data", "--out", str(OUT.relative_to(ROOT)), "--fixed-model-name", "stock"]
    if quiet:  # the training output goes to var/bench/stock-train.log
        with open(OUT / "stock-train.log", "wb") as log:
            subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=log, stderr=subprocess.STDOUT)
    else:
        subprocess.run(cmd, cwd=ROOT, env=env, check=True)
    FINGERPRINT.write_text(fp + "\n")
    return MODEL


if __name__ == "__main__":
    print(ensure_model())
