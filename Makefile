# NewsArchive: `make run` sets everything up and serves the app; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000
# A key for the test run only: tests run with DEBUG off, as production does.
TEST_SECRET_KEY := test-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz

.PHONY: help venv venv-dev migrate sample index run test test-fast lint format bench clean audit requirements

help:
	@echo "make run     set up (virtualenv, dependencies, database, sample data, index) and serve on http://$(HOST)/"
	@echo "make test    set up and run the whole test suite (DATABASE_URL=postgres://... for PostgreSQL)"
	@echo "make lint    ruff (lint + format), import contracts (lint-imports), mypy"
	@echo "make audit   bandit + known-vulnerable pins (pip-audit, or ADVISORY_DB=... offline)"
	@echo "make sample  (re)load the sample data;  make index  bring the search index in step"
	@echo "make requirements  compile requirements.in / requirements-dev.in into the hashed locks"
	@echo "make clean   remove the virtualenv and var/ (database, index, uploads)"

# Two locks compiled from requirements.in / requirements-dev.in (`make requirements`), every
# package pinned with its hashes: the runtime set serves the app (make run, production), the
# development set (runtime + tests and linters) is what make test, lint and audit use.
# Installed as locked (--no-deps: each lock already holds every dependency), then checked
# (pip check). Resolving again let a package's dependency with an extra (justext's
# lxml[html_clean]) reach for a newer release than the lock's, which --require-hashes
# refuses: a fresh venv's pip 23.2 did so the day lxml 6.2.1 came out.
$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.txt
	$(PY) -m pip check --disable-pip-version-check
	touch $@

$(VENV)/.installed: requirements-dev.txt requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements-dev.txt
	$(PY) -m pip check --disable-pip-version-check
	touch $(VENV)/.runtime $@

venv: $(VENV)/.runtime

venv-dev: $(VENV)/.installed

migrate: venv
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --noinput

# Loaded once; `make sample` again after `rm var/.sample-loaded` re-reads (imports are idempotent).
# After `index`: an import updates the index it finds, and only `sync_index` builds a missing one.
var/.sample-loaded: | migrate index
	DEBUG=$${DEBUG:-1} $(PY) manage.py load_sample
	touch $@

sample: migrate
	rm -f var/.sample-loaded
	$(MAKE) var/.sample-loaded

index: migrate
	DEBUG=$${DEBUG:-1} $(PY) manage.py sync_index

run: migrate var/.sample-loaded index
	@echo "Serving NewsArchive on http://$(HOST)/  (admin: http://$(HOST)/admin/)"
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver $(HOST)

# axe-core for the browser tests (tests/e2e/), from package-lock.json; again when it changes.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

test: venv-dev node_modules/.installed
	DEBUG=0 SECRET_KEY=$(TEST_SECRET_KEY) $(PY) -m pytest $(PYTEST_ARGS)

test-fast: venv-dev
	DEBUG=0 SECRET_KEY=$(TEST_SECRET_KEY) $(PY) -m pytest -m "not slow" $(PYTEST_ARGS)

# Security audit. bandit: medium and above listed, high fails. Known-vulnerable pins:
# pip-audit asks PyPI (per-release JSON) and fails (--strict) when it cannot; with
# ADVISORY_DB=<checkout of github.com/pypa/advisory-database> the check runs offline.
audit: venv-dev
	$(PY) -m bandit -q -r articles newsarchive --severity-level medium --exit-zero
	$(PY) -m bandit -q -r articles newsarchive --severity-level high
	if [ -n "$(ADVISORY_DB)" ]; then \
		ADVISORY_DB="$(ADVISORY_DB)" DEBUG=0 SECRET_KEY=$(TEST_SECRET_KEY) \
			$(PY) -m pytest -q -p no:cacheprovider tests/security/test_advisories.py; \
	else \
		$(PY) -m pip_audit -r requirements.txt --no-deps --disable-pip --strict --progress-spinner off; \
	fi

# The same checks run before each commit (.pre-commit-config.yaml) and in CI (.ci/run).
# mypy's Django plugin reads the settings, which want DEBUG or a SECRET_KEY.
lint: venv-dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports
	DEBUG=1 $(PY) -m mypy

format: venv-dev
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

# Compile the locks again after editing requirements.in or requirements-dev.in. Against
# PyPI alone, whatever extra indexes this machine's pip is configured with, so that the
# hashes are those of the files every machine gets.
PIP_COMPILE := env -u PIP_FIND_LINKS -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL \
	PIP_CONFIG_FILE=/dev/null $(VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe \
	--strip-extras --no-emit-find-links --no-emit-index-url --index-url https://pypi.org/simple
requirements: venv-dev
	$(PIP_COMPILE) -o requirements.txt requirements.in
	$(PIP_COMPILE) -o requirements-dev.txt requirements-dev.in

clean:
	rm -rf $(VENV) var node_modules
