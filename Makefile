# Two commands on a fresh machine: `make run` (one night on the embedded default) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
export DAGSTER_HOME := $(CURDIR)/var/dagster
export GX_ANALYTICS_ENABLED := false
export PYTHONUNBUFFERED := 1

.PHONY: install run test ui bench lint format clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(VENV)/bin/governance run --sample $(if $(DATE),--date $(DATE))

test: install
	$(PY) -m pytest -n 2 -p no:cacheprovider $(PYTEST_ARGS)

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
