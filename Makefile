# CCHC Portal — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# The stamp changes when the requirements change, so a second `make run` skips the install.
REQ_HASH := $(shell cat requirements.txt requirements-dev.txt | sha1sum | cut -c1-12)
STAMP  := $(VENV)/.installed-$(REQ_HASH)
HOST   ?= 127.0.0.1
PORT   ?= 8000

.DEFAULT_GOAL := help
.PHONY: help setup run serve migrate seed test lint format messages worker beat check-deploy clean

help:
	@echo "make run      set up (venv, install, migrate, demo data) and serve http://$(HOST):$(PORT)"
	@echo "make test     run the whole test suite (SQLite; PostgreSQL when DATABASE_URL is set)"
	@echo "make lint     ruff check + ruff format --check"
	@echo "make worker   run a Celery worker (needs REDIS_URL)"

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) scripts/check_system.py
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check --quiet --upgrade pip
	$(BIN)/python -m pip install --disable-pip-version-check --quiet -r requirements-dev.txt
	@rm -f $(VENV)/.installed-*
	@touch $@

setup: $(STAMP)
	@$(PYTHON) scripts/check_system.py

migrate: setup
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

run: seed
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

serve: setup
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Regenerate both catalogues from the source (msgids are Vietnamese) and compile them.
messages: setup
	$(BIN)/python manage.py makemessages -l en -l vi --no-obsolete --ignore=.venv --ignore=static --ignore=node_modules
	$(BIN)/python manage.py compilemessages --ignore=.venv

worker: setup
	$(BIN)/celery -A cchc_portal worker -l info --concurrency 2

beat: setup
	$(BIN)/celery -A cchc_portal beat -l info

check-deploy: setup
	DEBUG=0 SECRET_KEY=$$($(BIN)/python -c "import secrets;print(secrets.token_urlsafe(50))") \
	ALLOWED_HOSTS=portal.example.gov.vn $(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
