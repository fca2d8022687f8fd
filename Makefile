# The MLOps assistant. `make run` to talk to it, `make test` to check everything; `make help` lists all.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV        := .venv
PY          := $(VENV)/bin/python
# Rasa's command line, with assistant/runtime.py's changes to Rasa applied first (a faster check of
# action-server responses); `.venv/bin/rasa` works too, without them.
RASA        := $(PY) -m assistant
INSTALLED   := $(VENV)/.installed
MODEL       := models/mlops-assistant.tar.gz
# Everything training reads: a change to any of it retrains; nothing else does.
TRAINING_INPUTS := config.yml domain.yml $(shell find data -name '*.yml' 2>/dev/null)
KB_FILES    := $(shell find knowledge_base -name '*.yml' 2>/dev/null)
GENERATED_NLU := data/nlu/generated/knowledge_base.yml
WEBCHAT     := webchat/node_modules/.installed
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export RASA_PORT ?= 5005
export ACTION_SERVER_PORT ?= 5055
# Where `make run` and `make serve` listen: this machine only, unless RASA_HOST (the Rasa server) or
# ACTION_SERVER_HOST (the action server) names another interface, e.g. 0.0.0.0 behind a firewall.
export RASA_HOST ?= 127.0.0.1
export ACTION_SERVER_HOST ?= 127.0.0.1

.PHONY: help install webchat browser services train run shell serve actions prune lint format test test-unit test-data test-stories test-nlu test-channels test-scale test-report load-test eval bench report kb-validate kb-nlu kb-stats kb-stale kb-bench lock clean

help: ## List the commands
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-13s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(INSTALLED): requirements.lock scripts/find-python
	@python=$$(scripts/find-python) || exit 1; \
	if [ -x $(PY) ] && ! $(PY) -c 'import sys; assert (3, 8) <= sys.version_info[:2] <= (3, 10)' 2>/dev/null; then rm -rf $(VENV); fi; \
	[ -x $(PY) ] || { echo "Creating $(VENV) with $$python"; "$$python" -m venv $(VENV); }
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade "pip==24.0"
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -r requirements.lock
	@touch $@

install: $(INSTALLED) ## Create .venv with a Python 3.8-3.10 and the pinned packages (requirements.lock)

$(WEBCHAT): webchat/package.json webchat/package-lock.json
	cd webchat && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

webchat: $(WEBCHAT) ## Install the web chat page's socket.io client (npm, pinned by webchat/package-lock.json)

browser: ## Make sure Debian's chromium is there for the web chat's browser test (installs it as root)
	@command -v chromium >/dev/null && exit 0; \
	if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	elif sudo -n true 2>/dev/null; then sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "The web chat's browser test needs Chromium: install Debian's package 'chromium' (apt-get install chromium)."; exit 1; fi

services: ## Make sure Debian's postgresql, redis-server and nginx are there for the scale tests (installs them as root)
	@{ ls /usr/lib/postgresql/*/bin/postgres && command -v redis-server && PATH="$$PATH:/usr/sbin" command -v nginx; } >/dev/null 2>&1 && exit 0; \
	if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql redis-server nginx-light >/dev/null; \
	elif sudo -n true 2>/dev/null; then sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql redis-server nginx-light >/dev/null; \
	else echo "The scale tests need PostgreSQL, Redis and nginx: install Debian's packages 'postgresql', 'redis-server' and 'nginx-light'."; exit 1; fi

$(GENERATED_NLU): $(INSTALLED) $(KB_FILES) core/nlu_export.py
	$(PY) -m core nlu
	@touch $@

kb-nlu: $(GENERATED_NLU) ## Regenerate the tool names NLU learns from the knowledge base

$(MODEL): $(INSTALLED) $(GENERATED_NLU) $(TRAINING_INPUTS)
	$(RASA) train --fixed-model-name mlops-assistant --out models --num-threads 2
	@touch $@

train: $(MODEL) ## Train the model if data, domain, config or knowledge base changed

run: $(MODEL) ## Talk to the assistant in the terminal (install, train if stale, actions + rasa shell)
	@ACTION_SERVER_LOG=$${ACTION_SERVER_LOG:-.rasa/action-server.log} scripts/with-action-server $(RASA) shell --model $(MODEL) --interface $(RASA_HOST) --port $(RASA_PORT)

shell: run ## Same as run

serve: $(MODEL) $(WEBCHAT) ## Rasa server (REST and configured channels) on $RASA_PORT + action server; HTTP API only with RASA_AUTH_TOKEN (read by the server, on no command line)
	@scripts/with-action-server $(RASA) run --model $(MODEL) --interface $(RASA_HOST) --port $(RASA_PORT) $(if $(RASA_AUTH_TOKEN),--enable-api)

actions: $(INSTALLED) ## Only the action server, in the foreground
	SANIC_HOST=$(ACTION_SERVER_HOST) $(PY) -m actions --port $(ACTION_SERVER_PORT)

prune: $(INSTALLED) ## Delete conversations idle for more than CONVERSATION_RETENTION_DAYS days (default 90; DAYS=n overrides) from the tracker store endpoints.yml names
	$(PY) -m assistant.stores prune $(if $(DAYS),--days $(DAYS))

kb-validate: $(INSTALLED) ## Check the knowledge base (file, entry and reason for every problem; one-way alternatives)
	$(PY) -m core validate
	$(PY) -m core links

kb-stats: $(INSTALLED) ## Count tools per category; how old the base's checks are
	$(PY) -m core stats

kb-stale: $(INSTALLED) ## Entries last checked 6 or more months ago (MONTHS=N for another age)
	$(PY) -m core stale --months $(or $(MONTHS),6)

kb-bench: $(INSTALLED) ## Resolver accuracy and latency on the contract table; what reading a message costs, crafted ones too
	$(PY) -m evaluation.resolver_bench
	$(PY) -m evaluation.message_cost

lint: $(INSTALLED) ## ruff (lint, and the format checked) and mypy, as pyproject.toml sets them
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(INSTALLED) ## Format the code and apply ruff's safe fixes
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: lint test-unit test-data test-nlu test-stories test-channels test-report test-scale ## Every test (what CI runs)

test-unit: $(INSTALLED) ## pytest without servers: knowledge base, resolver, actions, rendering, data
	$(PY) -m pytest -q -m "not server and not scale"

test-data: $(INSTALLED) $(GENERATED_NLU) ## rasa data validate (errors fail; unused-response warnings are checked by pytest)
	$(RASA) data validate

test-stories: $(MODEL) ## rasa test on tests/data/test_stories.yml, failing on any wrong prediction
	$(RASA) test core --model $(MODEL) --stories tests/data/test_stories.yml --fail-on-prediction-errors --out results/core

test-nlu: $(MODEL) ## rasa test nlu on held-out data; fails below the floors (0.90 intent and response selection)
	$(RASA) test nlu --model $(MODEL) --nlu tests/data/held_out_nlu --out results/nlu
	$(PY) scripts/check-nlu-floors results/nlu

test-channels: $(MODEL) $(WEBCHAT) browser ## SMS, Slack and web chat against the real servers (signed requests, Chromium)
	$(PY) -m pytest -q -m server tests/assistant/channels

test-report: $(MODEL) browser ## make report on a store seeded through the real servers (REST, signed SMS): counts, inbox validated by Rasa, the page in Chromium
	$(PY) -m pytest -q -m server tests/evaluation/report

test-scale: $(MODEL) services ## Two Rasa servers on PostgreSQL + Redis behind nginx: 50 concurrent conversations, faults, restarts, path tricks
	$(PY) -m pytest -q -m scale tests/scale

load-test: $(MODEL) ## 100 users chatting for 2 minutes over REST; prints error rate and latency (ARGS=--scaled: 2 servers)
	$(PY) -m evaluation.load $(ARGS)

eval: $(MODEL) ## Held-out NLU and stories into results/ (confusion matrices, histograms), resolver figures, one-screen summary
	$(PY) -m evaluation.summary

report: $(INSTALLED) ## What people ask and where the assistant fails, from the tracker store (no server needed): results/report.html, inbox.yml, kb-candidates.tsv (ARGS=--since 30d, --aggregates-only)
	$(PY) -m evaluation.report $(ARGS)

bench: $(MODEL) ## Ours beside the rasa init starter bot over REST: latency by turn and by concurrency, training, memory (ARGS=--quick or --skip-training)
	$(PY) -m evaluation.bench $(ARGS)

lock: ## Re-pin requirements.lock from requirements.in (in a scratch venv)
	@python=$$(scripts/find-python) || exit 1; tmp=$$(mktemp -d); \
	"$$python" -m venv $$tmp && $$tmp/bin/pip install --quiet "pip==24.0" && \
	grep -v -- '# no-deps' requirements.in > $$tmp/with-deps.in && $$tmp/bin/pip install --quiet -r $$tmp/with-deps.in && \
	grep -- '# no-deps' requirements.in | sed 's/#.*//' > $$tmp/no-deps.in && $$tmp/bin/pip install --quiet --no-deps -r $$tmp/no-deps.in && \
	{ echo "# Generated by 'make lock' from requirements.in with Python 3.10: do not edit by hand."; \
	  echo "# Complete: \`make install\` installs it with --no-deps."; $$tmp/bin/pip freeze --exclude-editable; } > requirements.lock; \
	rm -rf $$tmp

clean: ## Remove the model, results and caches (keeps .venv)
	rm -rf models results .rasa .pytest_cache tracker.db
	find . -name __pycache__ -prune -exec rm -rf {} +
