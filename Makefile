# The project's verbs. `make run` and `make test` work on a fresh machine: they create the two
# virtualenvs, train the model when config.yml, bot/ or data/ changed, and migrate the database.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# Python 3.10 for Rasa (3.6 refuses 3.11), Python 3.11 for the backend; pyenv's first, else PATH.
PY310 := $(firstword $(wildcard $(shell pyenv prefix 3.10.13 2>/dev/null)/bin/python3.10) $(shell command -v python3.10))
PY311 := $(firstword $(wildcard $(shell pyenv prefix 3.11.7 2>/dev/null)/bin/python3.11) $(shell command -v python3.11))
BOT := .venv/bot/bin
API := .venv/api/bin
MODEL := models/intake.tar.gz
PIP_PIN := pip==26.1.2
# The offline advisory audit: a snapshot of the PyPA advisory database beside this checkout (docs/pip-audit.md).
AUDIT := $(CURDIR)/../shared/advisories/audit.py

export PYTHONPATH := $(CURDIR)
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help run test audit envs train migrate secrets chromium admin eval lint purge remind rotate bench validate clean FORCE

help:
	@echo "make run   - install what is missing, train if needed, migrate, start backend :8000, Rasa :5005, actions :5055"
	@echo "make test  - every suite: backend (SQLite + PostgreSQL), actions, bot data, conversations, end-to-end, browser"
	@echo "make audit - check both virtualenvs against the advisory snapshot; open = not fixed and not in docs/advisories-accepted.txt"
	@echo "make admin - create a staff admin account (asks for e-mail and password, prints the TOTP secret)"
	@echo "make train | eval | lint | validate | clean"

# --- environments -------------------------------------------------------------------------------
.venv/bot/.installed: pyproject.toml
	test -x $(BOT)/python || $(PY310) -m venv .venv/bot
	$(BOT)/python -m pip install -q $(PIP_PIN)
	$(BOT)/pip install -q --group bot --group bot-test
	touch $@

.venv/api/.installed: pyproject.toml
	test -x $(API)/python || $(PY311) -m venv .venv/api
	$(API)/python -m pip install -q $(PIP_PIN)
	$(API)/pip install -q --group api --group api-test
	$(API)/pip uninstall -q -y setuptools  # seeded by venv, needed by nothing in the api groups (docs/pip-audit.md)
	touch $@

envs: .venv/bot/.installed .venv/api/.installed

# --- model: retrain only when what goes into it changed (content hash, not timestamps) -----------
models/.fingerprint: FORCE
	@mkdir -p models
	@find config.yml bot/domain bot/nlu data -type f -not -path '*/__pycache__/*' | LC_ALL=C sort | xargs sha256sum | sha256sum > $@.new
	@if cmp -s $@.new $@; then rm $@.new; else mv $@.new $@; fi

$(MODEL): models/.fingerprint | .venv/bot/.installed
	$(BOT)/rasa train --config config.yml --domain bot/domain --data data --out models --fixed-model-name intake

train: $(MODEL)

validate: .venv/bot/.installed
	$(BOT)/rasa data validate --config config.yml --domain bot/domain --data data

# --- backend ------------------------------------------------------------------------------------
var/secrets.env: | .venv/api/.installed
	@mkdir -p var
	$(API)/python -m api.cli init-secrets $@

secrets: var/secrets.env

migrate: .venv/api/.installed var/secrets.env
	set -a; . var/secrets.env; set +a; $(API)/alembic -c api/alembic.ini upgrade head

admin: migrate
	set -a; . var/secrets.env; set +a; $(API)/python -m api.cli create-admin

# Also the outbox: delivered rows and dead letters older than INTAKE_OUTBOX_RETENTION_DAYS (default 7).
purge: migrate .venv/bot/.installed
	set -a; . var/secrets.env; set +a; $(API)/python -m api.cli purge
	set -a; . var/secrets.env; set +a; $(BOT)/python -m actions.purge

# Re-encrypt every stored value (database and outbox) with the newest key of its purpose (README, "Keys and rotation").
rotate: migrate .venv/bot/.installed
	set -a; . var/secrets.env; set +a; $(API)/python -m api.cli rotate
	set -a; . var/secrets.env; set +a; $(BOT)/python -m actions.rotate

# Mail the desk how many new registrations are untouched after two working days (schedule daily, like purge).
remind: migrate
	set -a; . var/secrets.env; set +a; $(API)/python -m api.cli remind

# A workstation: development mode (the API page at /docs, cookies without Secure over http://127.0.0.1) unless
# INTAKE_ENV says otherwise. Everything else, and every deployment, defaults to production.
run: envs $(MODEL) migrate
	INTAKE_ENV=$${INTAKE_ENV:-development} $(API)/honcho start -f Procfile -e var/secrets.env

# --- tests --------------------------------------------------------------------------------------
# Debian's Chromium for the browser tests (Playwright cannot download browsers here).
chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# Every advisory that applies to an installed package is fixed or accepted with a reason, or this fails.
audit: envs
	@test -f $(AUDIT) || { echo "make audit: $(AUDIT) is missing (the advisory snapshot, see docs/pip-audit.md)" >&2; exit 1; }
	$(API)/python $(AUDIT) --accepted docs/advisories-accepted.txt .venv/bot .venv/api

# Lint and the audit first. The bot's pytest 8 (rasa pins packaging<21, pytest 9 needs >=22) would put its temporary files
# under the predictable /tmp/pytest-of-<user> (PYSEC-2026-1845): --basetemp gives it a 0700 folder of our own.
test: lint audit envs $(MODEL) chromium
	$(BOT)/rasa data validate --config config.yml --domain bot/domain --data data
	@mkdir -p var
	$(BOT)/python -m pytest -q --basetemp=var/pytest-bot tests/actions tests/bot
	$(BOT)/python -m bot.serve test core --model $(MODEL) --stories tests/stories --endpoints bot/endpoints.yml --fail-on-prediction-errors --out var/test-results/core
	$(BOT)/python -m bot.evaluate
	$(API)/python -m pytest -q tests/api tests/e2e

# Chat turns against our config and the stock `rasa init` config (last line: turns/s=.. p95_ms=.. vs_stock=..x),
# hand-offs per second and inbox latency with 100,000 registrations on PostgreSQL. See bench/README.md.
BENCH_VISITORS ?= 20
BENCH_DURATION ?= 60
BENCH_THINK ?= 3
bench: envs $(MODEL)
	$(API)/python -m bench.handoff
	$(API)/python -m bench.chat --visitors $(BENCH_VISITORS) --duration $(BENCH_DURATION) --think $(BENCH_THINK) --stock $(if $(BENCH_URL),--url $(BENCH_URL))

eval: envs $(MODEL)
	$(BOT)/python -m bot.evaluate

# ruff over both environments' code, mypy over the backend (strict on api/core); pyproject.toml holds their settings.
lint: envs
	$(API)/ruff check .
	$(API)/mypy

clean:
	rm -rf models var/test-results var/pytest-bot .rasa
