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
.PHONY: help setup run serve migrate seed test test-faults lint security format messages worker beat check-deploy backup restore clean bench

help:
	@echo "make run      set up (venv, install, migrate, demo data) and serve http://$(HOST):$(PORT)"
	@echo "make test     run the whole test suite (SQLite; PostgreSQL when DATABASE_URL is set)"
	@echo "make lint     ruff check + ruff format --check"
	@echo "make security bandit (fails on high-severity findings)"
	@echo "make test-faults  fault tests: worker killed, Redis down, PostgreSQL killed, backup (needs DATABASE_URL, REDIS_URL)"
	@echo "make backup [BACKUP=dir]       database + uploaded files + manifest with checksums"
	@echo "make restore BACKUP=dir [YES=1] verify checksums, then restore database and files"
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
	$(BIN)/python -m pytest -m "not faults" $(PYTEST_ARGS)

# The slow fault-injection tests (CI runs them after `make test`).
test-faults: setup
	$(BIN)/python -m pytest tests/faults -m faults $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Static security check: any high-severity bandit finding fails (config in pyproject.toml).
security: setup
	$(BIN)/bandit -c pyproject.toml -r . -q -ll

backup: setup
	$(BIN)/python manage.py backup $(if $(BACKUP),--output "$(BACKUP)")

restore: setup
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=var/backups/<folder> [YES=1]"; exit 2; }
	$(BIN)/python manage.py restore --input "$(BACKUP)" $(if $(YES),--yes)

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Regenerate both catalogues from the source (msgids are Vietnamese) and compile them.
messages: setup
	$(BIN)/python manage.py makemessages -l en -l vi --no-obsolete --ignore=.venv --ignore=static --ignore=node_modules --ignore=tests --ignore=var
	$(BIN)/python manage.py compilemessages --ignore=.venv

worker: setup
	$(BIN)/celery -A cchc_portal worker -l info --concurrency 2

beat: setup
	$(BIN)/celery -A cchc_portal beat -l info

# Benchmarks (README "Benchmarks"): DATABASE_URL must name a database filled by `manage.py bench_data`.
bench: setup
	@command -v wrk >/dev/null || { echo "wrk is missing: sudo apt-get install -y wrk"; exit 1; }
	@case "$$DATABASE_URL" in postgres*) ;; *) echo "Set DATABASE_URL=postgres://postgres@127.0.0.1:5432/cchc_bench (see README, Benchmarks)"; exit 1;; esac
	$(BIN)/python bench/run.py

check-deploy: setup
	DEBUG=0 SECRET_KEY=$$($(BIN)/python -c "import secrets;print(secrets.token_urlsafe(50))") \
	ALLOWED_HOSTS=portal.example.gov.vn $(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
