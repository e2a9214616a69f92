# Two commands: `make report` builds the default report, `make test` runs every test.
# Both create .venv and install what they need on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CITY ?=
YEAR ?=

.PHONY: report test install system-deps node-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(STAMP)

install: $(STAMP)

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

test: install system-deps node-deps
	$(BIN)/python -m pytest -q -p no:cacheprovider tests notebooks --nbval-lax \
		--nbval-current-env --ignore=notebooks/.ipynb_checkpoints

clean:
	rm -rf _build
