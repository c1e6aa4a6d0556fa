"""bot/rasa_patches: applied all together by one `apply()`, only to the Rasa release they were written for, and not
at all with INTAKE_RASA_PATCHES=off. Each patch's own test compares it with Rasa's code (docs/PERFORMANCE.md)."""
from __future__ import annotations

import os
import subprocess

import pytest
import rasa

from bot import rasa_patches
from tests import stack

SYMBOLS = "[getattr(*p.PATCHED) is p.rasa_original for p in rasa_patches.PATCHES]"


def python(code: str, **env: str) -> subprocess.CompletedProcess:
    """`code` in a fresh bot process (this one may have the patches applied already)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    return subprocess.run([str(stack.BOT_BIN / "python"), "-c", code], cwd=stack.ROOT, capture_output=True, text=True,
                          env={**clean, "PYTHONPATH": str(stack.ROOT), "RASA_TELEMETRY_ENABLED": "false", **env},
                          timeout=180)


def test_each_patch_names_its_rasa_symbol_and_original_one_way():
    assert len(rasa_patches.PATCHES) == 5
    for patch in rasa_patches.PATCHES:
        owner, name = patch.PATCHED
        assert name in vars(owner) and callable(patch.rasa_original) and callable(patch.apply), patch.__name__


def test_installed_rasa_is_the_release_the_patches_were_written_for():
    assert rasa.__version__ == rasa_patches.RASA_VERSION


def test_apply_patches_every_symbol_and_off_patches_none():
    on = python(f"from bot import rasa_patches; print(rasa_patches.apply(), {SYMBOLS})")
    assert on.returncode == 0, on.stderr
    assert on.stdout.split("\n")[-2] == "True [False, False, False, False, False]"
    off = python(f"from bot import rasa_patches; print(rasa_patches.apply(), {SYMBOLS})", INTAKE_RASA_PATCHES="off")
    assert off.returncode == 0, off.stderr
    assert off.stdout.split("\n")[-2] == "False [True, True, True, True, True]"


def test_another_rasa_version_is_refused_and_nothing_is_patched():
    done = python("import rasa\n"
                  "from bot import rasa_patches\n"
                  "for version in ('3.6.20', '3.6.22', '3.7.0'):\n"
                  "    rasa.__version__ = version\n"
                  "    try:\n        rasa_patches.apply()\n    except rasa_patches.RasaVersionError as e:\n"
                  "        print(e)\n"
                  f"print({SYMBOLS})")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().split("\n")[-4:]
    assert lines[:3] == [f"the Rasa patches (bot/rasa_patches) were written for Rasa 3.6.21, this is Rasa {version}; "
                         "INTAKE_RASA_PATCHES=off runs without them" for version in ("3.6.20", "3.6.22", "3.7.0")]
    assert lines[3] == "[True, True, True, True, True]"


def test_the_rasa_process_refuses_another_version_in_one_line():
    done = python("import sys, rasa; rasa.__version__ = '3.7.0'\n"
                  "from bot import serve; serve.main(['run', '--model', 'models/intake.tar.gz'])",
                  INTAKE_BOT_SECRET=stack.TEST_ENV["INTAKE_BOT_SECRET"])
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith(
        "bot.serve: refusing to start: the Rasa patches (bot/rasa_patches) were written for Rasa 3.6.21, this is "
        "Rasa 3.7.0")


def test_a_switch_value_other_than_on_or_off_is_refused():
    with pytest.raises(ValueError, match="INTAKE_RASA_PATCHES"):
        rasa_patches.apply({"INTAKE_RASA_PATCHES": "no"})
