# Two commands on a fresh machine: `make run` (one night on the embedded default) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
export DAGSTER_HOME := $(CURDIR)/var/dagster
export GX_ANALYTICS_ENABLED := false
export PYTHONUNBUFFERED := 1

CHROMIUM ?= /usr/bin/chromium
CHROMEDRIVER ?= /usr/bin/chromedriver

.PHONY: install browser run test ui bench lint format clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

# The quality report is checked in a real headless Chromium: Debian's chromium and chromium-driver.
browser:
	@if [ -x "$(CHROMIUM)" ] && [ -x "$(CHROMEDRIVER)" ]; then :; \
	elif command -v apt-get >/dev/null 2>&1; then \
	  SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
	  echo "installing Debian packages chromium and chromium-driver (for the report tests)"; \
	  $$SUDO apt-get install -y --no-install-recommends chromium chromium-driver >/dev/null \
	    || { $$SUDO apt-get update >/dev/null && $$SUDO apt-get install -y --no-install-recommends chromium chromium-driver >/dev/null; }; \
	else echo "error: install Chromium and ChromeDriver, or set CHROMIUM= and CHROMEDRIVER=" >&2; exit 1; fi

run: install
	$(VENV)/bin/governance run --sample $(if $(DATE),--date $(DATE))

test: install browser
	GOVERNANCE_CHROMIUM=$(CHROMIUM) GOVERNANCE_CHROMEDRIVER=$(CHROMEDRIVER) $(PY) -m pytest -n 2 -p no:cacheprovider $(PYTEST_ARGS)

ui: install
	@$(PY) -c "from pathlib import Path; from governance.cli import ensure_dagster_home; ensure_dagster_home(Path('$(DAGSTER_HOME)'))"
	$(VENV)/bin/dagster dev -w workspace.yaml

bench: install
	$(PY) -m governance.bench $(BENCH_ARGS)

lint: install
	$(VENV)/bin/ruff check governance tests
	$(VENV)/bin/ruff format --check governance tests

format: install
	$(VENV)/bin/ruff format governance tests
	$(VENV)/bin/ruff check --fix governance tests

clean:
	rm -rf var landing gx
