# Two commands: `make report` builds the default report, `make test` runs every test.
# Both create .venv and install what they need on a fresh machine, at the exact versions of requirements.lock.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CITY ?=
YEAR ?=
PYTEST := $(BIN)/python -m pytest -q -p no:cacheprovider

.PHONY: report test test-fast test-unit test-component test-integration lint lock install system-deps node-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml requirements.lock
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# Re-resolve the exact versions after changing the dependencies in pyproject.toml (and keep environment.yml in step).
lock: $(BIN)/python
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --extra dev --strip-extras --no-emit-index-url --no-emit-find-links \
		--output-file requirements.lock pyproject.toml

# Headless Chromium is used by the tests that look at the built site like a reader does.
system-deps:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing chromium with apt-get ..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "NOTE: chromium is missing and cannot be installed here (needs root and apt-get);"; \
		echo "      the browser tests will be skipped. Install it with: sudo apt-get install chromium"; \
	fi

# axe-core and playwright-core for the accessibility test (driving Debian's chromium; no browser download).
node-deps:
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix tests/a11y --no-audit --no-fund --loglevel=error; \
	else \
		echo "NOTE: npm is missing; the accessibility test will be skipped. Install it with: sudo apt-get install npm"; \
	fi

report: install system-deps
	$(BIN)/sozialbericht build $(if $(CITY),--city $(CITY)) $(if $(YEAR),--year $(YEAR),--all-editions)

# Code style (ruff), the same on the notebooks (nbqa), and the layer order of the package (import-linter).
lint: install
	$(BIN)/ruff check src tests benchmarks book/_ext
	$(BIN)/nbqa ruff notebooks
	$(BIN)/lint-imports

test-unit: install
	$(PYTEST) tests/unit

test-fast: test-unit

test-component: install
	$(PYTEST) tests/component

test-integration: install system-deps node-deps
	$(PYTEST) tests/integration notebooks --nbval-lax --nbval-current-env --ignore=notebooks/.ipynb_checkpoints

test: install system-deps node-deps lint
	$(PYTEST) tests notebooks --nbval-lax --nbval-current-env --ignore=notebooks/.ipynb_checkpoints

clean:
	rm -rf _build
