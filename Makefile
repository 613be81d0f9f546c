# Two commands on a fresh Debian machine: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# What WeasyPrint needs from Debian (Pango, HarfBuzz subsetting for embedded fonts) and fonts
# metric-compatible with the Arial the pages and PDFs ask for.
APT_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 shared-mime-info fonts-liberation2 fonts-dejavu-core
E2E_APT_PACKAGES := chromium
STAMP := $(VENV)/.installed

.PHONY: install run test lint ci e2e clean bench

install: $(STAMP)

# Re-installs only when a requirements file changes; apt runs only for packages that are missing.
$(STAMP): requirements.txt requirements-dev.txt
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@$(PYTHON) -c "import ensurepip" 2>/dev/null || { SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq python3-venv; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The whole suite on the embedded default (SQLite, Celery eager). Tests that need a real Redis
# broker and worker are marked `integration`; .ci/run runs them against real services.
test: install
	$(BIN)/python -m pytest -m "not integration" $(PYTEST_ARGS)

# ruff, and the layers contract (.importlinter): imports only go down.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

# Browser journeys and axe-core checks in Debian's chromium, against a live portal with the demo.
e2e: install
	@dpkg-query -W -f='$${Status}' chromium 2>/dev/null | grep -q "ok installed" || { SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $(E2E_APT_PACKAGES); }
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements-e2e.txt
	$(BIN)/python -m pytest e2e $(PYTEST_ARGS)

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) var

# Benchmarks (bench/bench.py): throw-away databases on SQLite and PostgreSQL (demo + generated data
# at scale 1, 10 and 10 with 3x history), page timings and query counts, wrk against gunicorn on
# 127.0.0.1, snapshot renders and a Celery worker pool (Redis db 12); prints the tables. Parts:
# BENCH_ARGS="--only pages,load,render,pg". wrk comes from Debian, installed only when missing.
bench: install
	@command -v wrk >/dev/null || { SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends wrk; }
	$(BIN)/python bench/bench.py $(BENCH_ARGS)
