# Two commands for a newcomer: `make demo` (chat with the bot) and `make test` (the whole suite).
# Each makes its own virtual environment and installs what it needs.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# botbuilder's own storage suite needs packages whose pins stay out of the app's lock.
CONFORMANCE_VENV ?= .venv-conformance
LOCK_VENV ?= .venv-lock
UV_VERSION ?= 0.13.9
# Hashed locks: requirements.lock (the app), requirements-test.lock (the app and its tests),
# requirements-conformance.lock (the tests/conformance environment). `make lock` refreshes them.
INSTALL_LOCKED = -m pip install --quiet --require-hashes --no-deps -r
LOCK_FLAGS = --quiet --universal --python-version 3.11 --generate-hashes --upgrade
PORT ?= 3978
PLAYGROUND_PORT ?= 56150
TEST_WORKERS ?= auto
DEMO_DB ?= sqlite+aiosqlite:///$(CURDIR)/var/demo.db
DEMO_ENV = DATABASE_URL=$(DEMO_DB) FTCHELP_CHANNEL_ID=ftchelp-channel-id \
	FTA_MANAGERS_CHANNEL_ID=team-id ACCOUNT_TEAM_CHANNELS='*=team-id'

# The managers' desk tab (web/), built by esbuild into web/dist, which the bot serves at /tabs/.
WEB_SOURCES := $(wildcard web/src/*.ts) web/queue.html web/config.html web/styles.css web/build.mjs \
	web/tsconfig.json web/globals.d.ts

.PHONY: demo test conformance lint typecheck lock clean web

$(VENV)/.installed: requirements-test.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) $(INSTALL_LOCKED) requirements-test.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

$(CONFORMANCE_VENV)/.installed: requirements-conformance.lock pyproject.toml
	$(PYTHON) -m venv $(CONFORMANCE_VENV)
	$(CONFORMANCE_VENV)/bin/python $(INSTALL_LOCKED) requirements-conformance.lock
	$(CONFORMANCE_VENV)/bin/python -m pip install --quiet --no-deps -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

web/dist/.built: node_modules/.installed $(WEB_SOURCES)
	npm run --silent build:web
	touch $@

web: web/dist/.built

demo: $(VENV)/.installed node_modules/.installed web/dist/.built
	$(DEMO_ENV) $(PY) app.py sample-data
	@echo
	@echo "  Open http://127.0.0.1:$(PLAYGROUND_PORT)/ to chat with the bot (Ctrl+C stops both);"
	@echo "  the managers' desk is at http://127.0.0.1:$(PORT)/tabs/queue"
	@echo
	trap 'kill 0' EXIT INT TERM; \
	($(DEMO_ENV) PORT=$(PORT) $(PY) app.py serve || kill 0) & \
	node_modules/.bin/agentsplayground -e http://127.0.0.1:$(PORT)/api/messages -c msteams \
		--dt -p $(PLAYGROUND_PORT) < /dev/null

# ruff, and the import contracts of pyproject's [tool.importlinter]: only bot/edge/ knows the SDK.
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

typecheck: $(VENV)/.installed node_modules/.installed
	$(VENV)/bin/mypy
	npm run --silent check:web

# The suite runs on every core (pytest-xdist, a PostgreSQL database per worker), a test file per
# worker; then the tests marked `alone` (they time things or load several processes) run one by one.
test: $(VENV)/.installed node_modules/.installed web/dist/.built lint typecheck
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile -m "not alone"
	$(PY) -m pytest -m alone
	$(MAKE) conformance

# SqlStorage against botbuilder-testing's StorageBaseTests (SQLite, and PostgreSQL when
# TEST_DATABASE_URL is set), in its own environment.
conformance: $(CONFORMANCE_VENV)/.installed
	$(CONFORMANCE_VENV)/bin/python -m pytest tests/conformance

# Refresh the locks to the newest versions pyproject.toml allows (then run `make test`).
lock:
	test -x $(LOCK_VENV)/bin/uv || ($(PYTHON) -m venv $(LOCK_VENV) && \
		$(LOCK_VENV)/bin/python -m pip install --quiet uv==$(UV_VERSION))
	$(LOCK_VENV)/bin/uv pip compile $(LOCK_FLAGS) pyproject.toml --extra test \
		-o requirements-test.lock
	$(LOCK_VENV)/bin/uv pip compile $(LOCK_FLAGS) pyproject.toml -c requirements-test.lock \
		-o requirements.lock
	$(LOCK_VENV)/bin/uv pip compile $(LOCK_FLAGS) pyproject.toml --extra test \
		requirements-conformance.in -o requirements-conformance.lock

clean:
	rm -rf $(VENV) $(CONFORMANCE_VENV) $(LOCK_VENV) node_modules var dist web/dist \
		tests/e2e/artifacts
