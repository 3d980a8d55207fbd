# Anchor Offer grants portal. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app portal
HOST ?= 127.0.0.1
PORT ?= 5000
# `DEMO=0 make run` starts with an empty portal (create the first admin with `flask --app portal users create-admin`).
DEMO ?= 1
# The portal reads PORT too, so the address it prints and puts in emails is the one it is served on.
export PORT

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

.PHONY: install
install: $(VENV)/.runtime ## Create .venv and install the runtime packages

.PHONY: run
run: $(VENV)/.runtime ## Migrate, load the demo and serve on http://127.0.0.1:5000 (DEMO=0: no demo; PORT=5101: another port)
	$(FLASK) db upgrade
	@if [ "$(DEMO)" = 0 ]; then \
		echo "No demo data (DEMO=0). Create the first admin with: $(FLASK) users create-admin you@example.org"; \
	else \
		$(FLASK) demo load; \
	fi
	@echo "The portal is at http://$(HOST):$(PORT)/ (PORT=… make run serves on another port)."
	@# The outbox worker prints emails and texts (sign-in codes) in this terminal; the
	@# reference-data worker imports the files officers upload; the media worker
	@# prepares spoken or filmed answers (it needs ffmpeg: apt-get install ffmpeg).
	@$(FLASK) outbox send --loop --interval 2 & worker=$$!; \
	$(FLASK) refdata work --loop --interval 2 & refdata=$$!; \
	$(FLASK) media work --loop --interval 2 & media=$$!; \
	trap 'kill $$worker $$refdata $$media 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

# The catalogues: strings marked in portal/ and templates/ are extracted, each language's
# .po is brought up to date (new strings arrive untranslated; the suite then fails until
# they are translated) and compiled to the .mo the portal reads. Both are committed.
LANGUAGES := pl
.PHONY: translations
translations: $(VENV)/.dev ## Extract the strings to translate, update each language's catalogue and compile it
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 --no-location --sort-output \
		--project "Anchor Offer grants portal" -o portal/translations/messages.pot .
	@for code in $(LANGUAGES); do \
		if [ -f portal/translations/$$code/LC_MESSAGES/messages.po ]; then \
			$(BIN)/pybabel -q update --no-fuzzy-matching --ignore-obsolete -l $$code -d portal/translations -i portal/translations/messages.pot; \
		else \
			$(BIN)/pybabel -q init -l $$code -d portal/translations -i portal/translations/messages.pot; \
		fi; \
	done
	$(BIN)/pybabel -q compile -d portal/translations

.PHONY: test
test: $(VENV)/.dev ## Run the whole test suite (TEST_DATABASE_URL=postgresql+psycopg://… for PostgreSQL)
	$(BIN)/pytest $(ARGS)

.PHONY: lint
lint: $(VENV)/.dev ## Check style and security with ruff (incl. bandit's S rules), types with mypy, property-test coverage, and audit the pinned requirements
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@# Strict typing on portal/ (settings under [tool.mypy] in pyproject.toml).
	$(BIN)/mypy
	@# Every email template and every URL converter must meet the hostile-input property tests.
	$(BIN)/python -m tests.property_coverage
	@# Every template string is marked for translation and every catalogue is complete and compiled.
	$(BIN)/python -m tests.translations
	@# pip-audit asks PyPI's JSON API about each pinned version. Where only the package index is
	@# reachable it could audit nothing, so say so loudly rather than pass.
	@if $(BIN)/python -c "import urllib.request as u; u.urlopen('$(AUDIT_PROBE)', timeout=10)" 2>/dev/null; then \
		$(MAKE) --no-print-directory audit; \
	else \
		echo "pip-audit NOT RUN: $(AUDIT_PROBE) cannot be reached from here; run 'make audit' where it can."; \
	fi

AUDIT_PROBE := https://pypi.org/pypi/pip/24.0/json

.PHONY: audit
audit: $(VENV)/.dev ## Check the pinned requirements for known vulnerabilities (fails if any cannot be checked)
	$(BIN)/pip-audit --strict --progress-spinner off --vulnerability-service pypi -r requirements.txt

.PHONY: format
format: $(VENV)/.dev ## Format the code with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

.PHONY: clean
clean: ## Remove the virtualenv, caches and the development database
	rm -rf $(VENV) .pytest_cache .ruff_cache instance
