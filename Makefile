# Two commands for a newcomer: `make demo` (chat with the bot) and `make test` (the whole suite).
# Each makes its own virtual environment and installs what it needs.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 3978
PLAYGROUND_PORT ?= 56150
DEMO_DB ?= sqlite+aiosqlite:///$(CURDIR)/var/demo.db
DEMO_ENV = DATABASE_URL=$(DEMO_DB) FTCHELP_CHANNEL_ID=ftchelp-channel-id \
	FTA_MANAGERS_CHANNEL_ID=team-id ACCOUNT_TEAM_CHANNELS='*=team-id'

.PHONY: demo test lint typecheck clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

demo: $(VENV)/.installed node_modules/.installed
	$(DEMO_ENV) $(PY) app.py sample-data
	@echo
	@echo "  Open http://127.0.0.1:$(PLAYGROUND_PORT)/ to chat with the bot (Ctrl+C stops both)."
	@echo
	trap 'kill 0' EXIT INT TERM; \
	($(DEMO_ENV) PORT=$(PORT) $(PY) app.py serve || kill 0) & \
	node_modules/.bin/agentsplayground -e http://127.0.0.1:$(PORT)/api/messages -c msteams \
		--dt -p $(PLAYGROUND_PORT) < /dev/null

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

typecheck: $(VENV)/.installed
	$(VENV)/bin/mypy

test: $(VENV)/.installed node_modules/.installed lint typecheck
	$(PY) -m pytest

clean:
	rm -rf $(VENV) node_modules var dist tests/e2e/artifacts
