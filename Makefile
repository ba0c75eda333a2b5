# Zero-setup entry points: a fresh machine needs Python 3.11 and npm, nothing else.
#   make run           install (when needed), migrate, seed the demo, start web + worker + beat
#   make test          install (when needed), run the whole test suite on its own embedded servers
#   make messages      extract translatable strings into locale/, compile, list what is untranslated
#   make bench-ingest  webhook ingest throughput vs. a bare one-row-insert floor (bench/README.md)

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
VENV := .venv
PY := $(VENV)/bin/python
# Re-run `pip install` only when pyproject.toml is newer than the last successful install.
PIP_STAMP := $(VENV)/.installed-stamp
NPM_STAMP := node_modules/.installed-stamp
PACKAGE_JSON := $(wildcard package.json)

.PHONY: run test install lint format messages reliability reliability-full bench-ingest bench-dashboards bench-inbox clean-test-data

run: install
	$(PY) scripts/run.py

# The suite runs on TEST_WORKERS pytest-xdist processes (0: serially, in one), each on
# embedded servers of its own under TEST_DATA_DIR/gw<N> (tests/support/worker_servers.py).
# worksteal: each worker starts with half the tests and an idle one takes queued tests
# from the other, so a run of long tests does not keep one worker busy at the end.
TEST_WORKERS ?= 2
TEST_DATA_DIR ?= $(CURDIR)/.data/test

test: install
	@mkdir -p $(TEST_DATA_DIR)/staticfiles
	INBOX_DATA_DIR=$(TEST_DATA_DIR) $(VENV)/bin/pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# docs/RELIABILITY.md from the chaos suite's own figures (tests/chaos/report.py).
reliability: install
	$(PY) -m tests.chaos.report

reliability-full: install
	$(PY) -m tests.chaos.report --full

bench-ingest: install
	$(PY) bench/ingest.py $(BENCH_ARGS)

bench-dashboards: install
	$(PY) bench/dashboards.py $(BENCH_ARGS)

bench-inbox: install
	$(PY) bench/inbox.py $(BENCH_ARGS)

install: $(PIP_STAMP) $(if $(PACKAGE_JSON),$(NPM_STAMP))

$(PY):
	@test -n "$(PYTHON)" || { echo "Python 3.11 is required (python3.11 or python3 on PATH)."; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || { \
		echo "Python 3.11 is required; $(PYTHON) is $$($(PYTHON) --version). Set PYTHON=/path/to/python3.11."; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(PIP_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

$(NPM_STAMP): package.json
	@command -v npm >/dev/null 2>&1 || { \
		echo "npm is required to install the front-end packages (htmx) from package.json."; \
		echo "Install Node.js + npm (Debian: apt-get install -y npm), then run make again."; exit 1; }
	npm install --no-audit --no-fund
	@touch $@

# Translations (docs/I18N.md): extract every marked string (django + djangojs) into
# locale/es/, compile the .mo files with polib and list what is left to translate.
# Extraction needs GNU gettext's xgettext; running and testing need nothing beyond Python.
messages: install
	$(PY) scripts/catalogs.py update

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean-test-data:
	rm -rf .data/test
