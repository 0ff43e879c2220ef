# The two commands: `make demo` and `make test`. Both work on a fresh machine with Python 3.11+.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.motcua-installed

.PHONY: demo test lint format typecheck bench messages clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Migrate, load the demo province, start the web server and the task worker.
demo: $(STAMP)
	$(BIN)/motcua demo

## Lint, format check, and the whole test suite (browser tests skip when Chromium is missing, unless CI=true).
test: $(STAMP) lint
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy src

format: $(STAMP)
	$(BIN)/ruff check --fix src tests benchmarks
	$(BIN)/ruff format src tests benchmarks

bench: $(STAMP)
	$(BIN)/python -m benchmarks

## Rebuild the translation catalogues after changing user-facing strings.
messages: $(STAMP)
	cd src/motcua && ../../$(BIN)/motcua makemessages --locale vi --locale en --no-obsolete --add-location file --ignore "*/migrations/*"
	# Fuzzy guesses from msgmerge are wrong more often than right: empty them for review.
	msgattrib --clear-fuzzy --empty -o src/motcua/locale/vi/LC_MESSAGES/django.po src/motcua/locale/vi/LC_MESSAGES/django.po
	cd src/motcua && ../../$(BIN)/motcua compilemessages

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
