# The two commands of the README: `make run` and `make test`. Everything else supports them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test bench install install-test chromium lint format translations clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test chromium

instance/secret_key:
	mkdir -p instance
	$(PYTHON) -c "import secrets; print(secrets.token_hex(32))" > $@
	chmod 600 $@

# Embedded default: SQLite under instance/, demo data, the scheduler inside the web process.
run: install instance/secret_key
	SECRET_KEY=$$(cat instance/secret_key) $(FLASK) outreach init
	SECRET_KEY=$$(cat instance/secret_key) $(FLASK) outreach demo-data
	@echo "Open http://$(HOST):$(PORT) and log in as admin / jemputbola2026"
	SECRET_KEY=$$(cat instance/secret_key) SESSION_COOKIE_SECURE=false OUTREACH_SCHEDULER=background \
		$(FLASK) run --host $(HOST) --port $(PORT)

# Debian's Chromium for the browser tests (never a downloaded browser build).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
		else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; fi; \
	fi

test: install-test
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache --no-logo
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The national-scale benchmark (docs/PERFORMANCE.md): on SQLite, and on PostgreSQL with the load
# run when BENCH_DATABASE_URL names an empty database of its own. Writes bench/results.json.
bench: install
	$(BIN)/python -m tests.bench $(BENCH_ARGS)

lint:
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache --no-logo
	$(BIN)/ruff format --check .

format:
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# After changing user-facing strings: extract, merge into the catalogues, translate, compile.
translations:
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ --no-location --sort-output \
		--project "Jemput Bola" -o outreach/translations/messages.pot .
	$(BIN)/pybabel update -i outreach/translations/messages.pot -d outreach/translations \
		--no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d outreach/translations

clean:
	rm -rf $(VENV) test-artifacts .pytest_cache
