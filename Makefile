# Qorgau: `make run` serves it with demo data, `make test` runs what CI runs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

# Development secrets live in var/ unless the environment names its own.
ifeq ($(QORGAU_MASTER_KEY)$(QORGAU_MASTER_KEY_FILE),)
DEV_MASTER := QORGAU_MASTER_KEY_FILE=$(CURDIR)/var/master.key
endif
ifeq ($(QORGAU_LOOKUP_KEY)$(QORGAU_LOOKUP_KEY_FILE),)
DEV_LOOKUP := QORGAU_LOOKUP_KEY_FILE=$(CURDIR)/var/lookup.key
endif
ifeq ($(SECRET_KEY)$(SECRET_KEY_FILE),)
DEV_SECRET := SECRET_KEY_FILE=$(CURDIR)/var/secret.key
endif
DEV := DEBUG=true $(DEV_MASTER) $(DEV_LOOKUP) $(DEV_SECRET)
# make run writes e-mails (alerts to staff) as files in var/mail/ rather than into the terminal.
ifeq ($(EMAIL_BACKEND),)
RUN_MAIL := EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend EMAIL_FILE_PATH=$(CURDIR)/var/mail
endif
# ... and text messages (SMS alerts to staff) as files in var/sms/.
ifeq ($(QORGAU_SMS_BACKEND),)
RUN_SMS := QORGAU_SMS_BACKEND=qorgau.core.sms.backends.file.SmsBackend QORGAU_SMS_FILE_PATH=$(CURDIR)/var/sms
endif

.PHONY: install run demo-code test lint typecheck check messages clean-venv browser bench

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	@mkdir -p var
	DEBUG=true $(PY) manage.py create_dev_keys
	$(DEV) $(PY) manage.py migrate --noinput
	$(DEV) $(PY) manage.py seed_demo
	@echo
	@echo "Qorgau: http://127.0.0.1:8000/   staff: http://127.0.0.1:8000/staff/login/ (logins above, kept in var/demo-logins.txt; code: make demo-code LOGIN=analyst)"
	@echo
	@# The periodic work (tick every minute: deadlines, escalations, missed meetings) and the tasks
	@# worker (e-mails) run beside the server and stop with it (Ctrl-C).
	@echo "E-mails to staff (alerts) are written to var/mail/, text messages (SMS) to var/sms/."
	@echo "The demo analyst (Almaty) is on duty: a P1 report of Almaty is on her \"My work now\" (/staff/) at once."
	@$(DEV) $(RUN_MAIL) $(RUN_SMS) $(PY) manage.py periodic --every 60 & periodic=$$!; \
	  $(DEV) $(RUN_MAIL) $(RUN_SMS) $(PY) manage.py db_worker --no-reload & worker=$$!; \
	  trap 'kill $$periodic $$worker 2>/dev/null; wait $$periodic $$worker 2>/dev/null' EXIT INT TERM; \
	  $(DEV) $(RUN_MAIL) $(RUN_SMS) $(PY) manage.py runserver 127.0.0.1:8000

# The sign-in code of a demo user, as their authenticator app would show it (DEBUG only).
demo-code: install
	@$(DEV) $(PY) manage.py demo_otp $(LOGIN)

lint: install typecheck
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# mypy with django-stubs, configured in pyproject.toml (settings: tests.settings, no secrets needed).
# Incremental: a second run takes seconds. Should it ever report stale results after a change of
# settings or of the configuration, remove .mypy_cache.
typecheck: install
	$(VENV)/bin/mypy

# Debian's chromium for the browser tests (they skip, saying so, where it cannot be installed).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || echo "chromium could not be installed: the browser tests will be skipped"; }

# The suite runs on SQLite, or on the PostgreSQL database that DATABASE_URL names.
test: lint browser
	@mkdir -p var
	$(PY) -m pytest

check: lint
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run
	DEBUG=false SECRET_KEY=check-deploy-$$(date +%s)-a-long-enough-random-looking-value-xyz \
	  QORGAU_MASTER_KEY=AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE= \
	  QORGAU_LOOKUP_KEY=BAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQ= ALLOWED_HOSTS=qorgau.example \
	  QORGAU_AUDIT_SIGNING_KEY=BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc= \
	  QORGAU_AUDIT_CHECKPOINT_PATH=/var/lib/qorgau-audit/checkpoints.jsonl \
	  QORGAU_SMS_URL=https://api.mobizon.kz QORGAU_SMS_API_KEY=check-deploy-not-a-real-key \
	  $(PY) manage.py check --deploy --fail-level WARNING

# Every benchmark under bench/ against PostgreSQL (bench/run.py): quick sizes by default (about
# 10-15 minutes), BENCH_SIZE=full for the issue's sizes, BENCH_ONLY=dashboard,workers for some.
# Figures are appended to bench/results.jsonl; a table is printed at the end.
bench: install
	$(PY) bench/run.py

# Extract messages (needs GNU gettext, developers only) and compile them in pure Python.
messages: install
	$(DEV) $(PY) manage.py makemessages -l kk -l ru -l en --ignore=.venv --ignore=var \
	  --ignore=tests --ignore=bench --no-obsolete
	$(DEV) $(PY) manage.py compile_catalogs

clean-venv:
	rm -rf $(VENV)
