# The two commands: `make run` and `make test`. Everything they need is installed here.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# Test processes: one per core (pytest-xdist); each gets its own PostgreSQL database.
TEST_WORKERS ?= auto
FLASK := $(VENV)/bin/flask
HTMX := portal/static/vendor/htmx.min.js
export FLASK_APP := wsgi

.PHONY: run test setup translations test-tools pdf-tools lint typecheck pytest extract-messages bench bench-tools

$(VENV)/bin/python:
	python3 -m venv $(VENV)

# requirements.lock holds the versions the suite last passed with (docs/security.md, Dependencies).
$(VENV)/.installed: pyproject.toml requirements.lock | $(VENV)/bin/python
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $@

$(HTMX): package.json
	npm install --no-audit --no-fund --loglevel=error
	mkdir -p $(dir $(HTMX))
	cp node_modules/htmx.org/dist/htmx.min.js $(HTMX)

translations: $(VENV)/.installed
	$(VENV)/bin/pybabel compile -d portal/translations >/dev/null

setup: $(VENV)/.installed $(HTMX) translations pdf-tools

run: setup
	$(FLASK) db upgrade
	$(FLASK) demo load
	$(FLASK) run --host 127.0.0.1 --port 5000

# Chromium from Debian for the browser tests (a downloaded browser build would fail here).
test-tools: pdf-tools
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "could not install chromium: browser tests will be skipped"; \
	  else echo "chromium missing and not root: browser tests will be skipped"; fi; \
	fi

# The PDF font with every Kazakh letter (never committed) and pdftotext for the PDF tests, from
# Debian: fonts-dejavu-core and poppler-utils; pg_dump/pg_restore for the backup test; zbarimg to
# read the documents' QR codes in the tests.
PDF_FONT := /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
pdf-tools:
	@missing=""; \
	[ -f $(PDF_FONT) ] || missing="$$missing fonts-dejavu-core"; \
	command -v pdftotext >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	command -v pg_restore >/dev/null 2>&1 || missing="$$missing postgresql-client"; \
	command -v zbarimg >/dev/null 2>&1 || missing="$$missing zbar-tools"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) \
	      || echo "could not install$$missing: PDFs need fonts-dejavu-core"; \
	  else echo "missing$$missing and not root: install them (PDFs need fonts-dejavu-core)"; fi; \
	fi

lint: setup
	$(VENV)/bin/ruff check .

typecheck: setup
	$(VENV)/bin/mypy portal signing

# Bytecode is written even where PYTHONDONTWRITEBYTECODE is set: without it every worker compiles
# the portal again and pytest re-rewrites the asserts of every test module and of the hypothesis
# and schemathesis packages (its plugins) on each run (~10 s of CPU a process). worksteal: an idle
# worker takes tests queued on the busy one (the browser journeys and fault runs last minutes, and
# with plain load balancing one worker can sit idle at the end); the 30 slowest tests are printed.
pytest: setup
	env -u PYTHONDONTWRITEBYTECODE $(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal --durations=30 \
	  --cov --cov-report=term:skip-covered -q
	$(VENV)/bin/coverage report --include='portal/domain/*' --fail-under=100 >/dev/null \
	  || (echo "portal/domain must keep full branch coverage"; $(VENV)/bin/coverage report --include='portal/domain/*' -m; exit 1)

test: setup test-tools lint typecheck pytest

extract-messages: setup
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o portal/translations/messages.pot --no-location --sort-output --width=100 .
	$(VENV)/bin/pybabel update -i portal/translations/messages.pot -d portal/translations --no-fuzzy-matching --width=100

# wrk (C, Debian) loads the servers in bench/http.py: the Python load generator takes a core of the
# two and its latencies are mostly its own (docs/architecture.md, Performance).
bench-tools:
	@if ! command -v wrk >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null) \
	      || echo "could not install wrk: bench/http.py uses its Python client only"; \
	  else echo "wrk missing and not root: bench/http.py uses its Python client only"; fi; \
	fi

bench: setup bench-tools
	$(PY) bench/http.py
	$(PY) bench/weight.py
	$(PY) bench/pdf.py
