"""Qorgau settings: one module, driven by the environment (see .env.example)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import dj_database_url

from qorgau.env import (
    ConfigurationError,
    env_bool,
    env_float,
    env_int,
    env_list,
    env_networks,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("QORGAU_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ConfigurationError(
            "SECRET_KEY is not set. Set SECRET_KEY (or SECRET_KEY_FILE) to a long random string, "
            "or DEBUG=true for development."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG-true"

# While SECRET_KEY is rotated: the old values, comma-separated (sessions and receipt codes keep working).
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])

# The master key wraps every data key of the encrypted fields (qorgau.core.crypto).
# Production refuses to start without a well-formed one; development (DEBUG) may run without it
# until an encrypted field is used, and `make run` writes one into var/.
QORGAU_MASTER_KEY = env_str("QORGAU_MASTER_KEY")
QORGAU_PREVIOUS_MASTER_KEYS = env_list("QORGAU_PREVIOUS_MASTER_KEYS", [])
if not DEBUG:
    from qorgau.core.keys import validate_master_key_setting

    validate_master_key_setting(QORGAU_MASTER_KEY, QORGAU_PREVIOUS_MASTER_KEYS)

# The lookup key: the root of every keyed hash that finds or proves something without storing it
# (identifier and IIN lookups, receipt locators, recovery codes, rate limits), one key derived from
# it per purpose (qorgau.core.derived_keys). Long-lived, never SECRET_KEY: rotating SECRET_KEY logs
# people out and nothing else. Required like the master key; `make run` writes one into var/.
QORGAU_LOOKUP_KEY = env_str("QORGAU_LOOKUP_KEY")
# After a change of lookup key: the old ones, comma-separated, still accepted (docs/security.md).
QORGAU_PREVIOUS_LOOKUP_KEYS = env_list("QORGAU_PREVIOUS_LOOKUP_KEYS", [])
if not DEBUG:
    from qorgau.core.keys import validate_lookup_key_setting

    validate_lookup_key_setting(QORGAU_LOOKUP_KEY, QORGAU_PREVIOUS_LOOKUP_KEYS)
# Installations upgraded from before the lookup key: the SECRET_KEY values (comma-separated) that
# keyed what they stored then (receipt locators, recovery codes), accepted until `rekey_lookups`
# finds none left. Pinned here, they no longer depend on SECRET_KEY (docs/operations.md, Upgrading).
QORGAU_LEGACY_SECRET_KEYS = [
    item.strip() for item in (env_str("QORGAU_LEGACY_SECRET_KEYS") or "").split(",") if item.strip()
]

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The reverse proxies in front (addresses or networks, e.g. 127.0.0.1 for nginx on the same
# machine): only from them is X-Forwarded-For believed, and the client is the rightmost address in
# it that is not one of them (qorgau.core.utils.client_ip). Empty: the peer is the client (make run).
# gunicorn.conf.py gives gunicorn's forwarded_allow_ips the same list.
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "csp",
    "django_otp",
    # Unused (its keys were in clear): kept for core migration 0006, which moves its devices into
    # core.StaffTOTPDevice (keys encrypted), and for archives written before it (restore moves them).
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "qorgau.core",
    "qorgau.linking",
    "qorgau.guidance",
    "qorgau.intake",
    "qorgau.cases",
    "qorgau.offenders",
    "qorgau.prevention",
    "qorgau.takedown",
    "qorgau.analytics",
]

MIDDLEWARE = [
    "qorgau.core.middleware.UntrustedForwardedHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "qorgau.core.middleware.SecondFactorMiddleware",
    "qorgau.core.middleware.QorgauLocaleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "qorgau.core.middleware.NoStoreMiddleware",
    # The first to touch the body: refuses one over its path's limit (413, in the person's language,
    # with the headers above), then the check for text no database can store reads it.
    "qorgau.core.body_limits.RequestBodyLimitMiddleware",
    "qorgau.core.middleware.RejectUnstorableTextMiddleware",
]

ROOT_URLCONF = "qorgau.urls"
WSGI_APPLICATION = "qorgau.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "qorgau" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "qorgau.core.context_processors.qorgau",
            ],
        },
    },
]

# Databases: SQLite (WAL) by default, PostgreSQL when DATABASE_URL is set.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env_int("CONN_MAX_AGE", 60),
            conn_health_checks=env_bool("CONN_HEALTH_CHECKS", False),
        )
    }
    # Server-side parameter binding, and statements prepared on each connection from their second
    # use: the values travel apart from the statement text, and PostgreSQL parses and plans each
    # statement once per connection instead of once per call (about 40% less database CPU per
    # report in bench/intake.py). Behind PgBouncer in transaction mode (older than 1.21), set
    # DATABASE_PREPARE_THRESHOLD=off; session mode, as docs/operations.md advises, is fine.
    if "postgresql" in DATABASES["default"]["ENGINE"]:
        _options = DATABASES["default"].setdefault("OPTIONS", {})
        _options["server_side_binding"] = env_bool("DATABASE_SERVER_SIDE_BINDING", True)
        if (env_str("DATABASE_PREPARE_THRESHOLD") or "").strip().lower() != "off":
            _options["prepare_threshold"] = env_int("DATABASE_PREPARE_THRESHOLD", 2)
    # A read replica (streaming replication) for the dashboard's figures: qorgau.core.db_router
    # sends the analytics selectors' reads there; every write and every other read stays on the
    # primary. The replica's schema comes from the primary, so nothing migrates it.
    DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
    if DATABASE_REPLICA_URL:
        DATABASES["replica"] = dj_database_url.parse(
            DATABASE_REPLICA_URL,
            conn_max_age=env_int("CONN_MAX_AGE", 60),
            conn_health_checks=env_bool("CONN_HEALTH_CHECKS", False),
        )
        # Tests see the primary under this name (no second test database to fill).
        DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
else:
    SQLITE_PATH = Path(env_str("SQLITE_PATH", str(VAR_DIR / "qorgau.sqlite3")))
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,  # type: ignore[typeddict-item]  # Django takes a Path here
            "OPTIONS": {
                # Writers take the lock at BEGIN, so two writers never deadlock on an upgrade.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                # FULL: an acknowledged report is on disk before the answer goes out.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }

DATABASE_ROUTERS = ["qorgau.core.db_router.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = ["qorgau.core.auth.RoleModelBackend"]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:staff_home"
LOGOUT_REDIRECT_URL = "core:login"

# Two-factor sign-in (django-otp): every staff role needs a TOTP device (qorgau.core.enums
# SECOND_FACTOR_ROLES); until a session passes the second step it is treated as anonymous.
OTP_TOTP_ISSUER = env_str("QORGAU_OTP_ISSUER", "Qorgau")
# The secret of a device is never shown in the admin (an administrator may only see and delete one).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# django-otp's own per-device delay after a wrong code would refuse the right code silently after a
# typo; the throttling below (per account and address, with a message that says how long) does it.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
# Recovery codes given at enrolment (each works once).
QORGAU_RECOVERY_CODES = env_int("QORGAU_RECOVERY_CODES", 10)

# Sign-in throttling (qorgau.core.services.limits): wrong passwords and wrong codes are taken from
# token buckets per (account, address) and per address, never per account alone at the password step
# (anyone could then keep an analyst out). After QORGAU_LOGIN_FAILURES_PER_ACCOUNT failures for one
# account from one address, that address may try that account once per
# QORGAU_LOGIN_LOCKOUT_SECONDS / failures; an address (a school, an office behind one NAT) gets
# QORGAU_LOGIN_FAILURES_PER_ADDRESS over all accounts. Wrong codes also count per account
# (QORGAU_LOGIN_CODE_FAILURES_PER_ACCOUNT): only someone holding the password reaches that step.
QORGAU_LOGIN_FAILURES_PER_ACCOUNT = env_int("QORGAU_LOGIN_FAILURES_PER_ACCOUNT", 5)
QORGAU_LOGIN_FAILURES_PER_ADDRESS = env_int("QORGAU_LOGIN_FAILURES_PER_ADDRESS", 20)
QORGAU_LOGIN_CODE_FAILURES_PER_ACCOUNT = env_int("QORGAU_LOGIN_CODE_FAILURES_PER_ACCOUNT", 5)
QORGAU_LOGIN_LOCKOUT_SECONDS = env_int("QORGAU_LOGIN_LOCKOUT_SECONDS", 15 * 60)

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: Kazakh, Russian, English; anything else falls back to Russian.
LANGUAGE_CODE = "ru"
LANGUAGES = [("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "qorgau" / "locale"]
LANGUAGE_COOKIE_NAME = "qorgau_language"
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE: Literal["Lax"] = "Lax"
TIME_ZONE = "Asia/Almaty"
USE_I18N = True
# Dates and numbers as each language writes them (qorgau/formats/{kk,ru,en}/formats.py).
FORMAT_MODULE_PATH = ["qorgau.formats"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "qorgau" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "files"

# Sessions and cookies. Staff sessions end after inactivity.
SESSION_COOKIE_NAME = "qorgau_session"
SESSION_COOKIE_AGE = env_int("QORGAU_SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
# "same-origin": no referrer ever leaves the site, and browsers still send a real Origin header
# with our own form posts (with "no-referrer" they send "Origin: null" and CSRF refuses them).
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# A strict Content-Security-Policy: our own scripts and styles only, nothing inline, no frames.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Background work: the Django tasks API, on the database by default (`manage.py db_worker`), on
# Redis through RQ when REDIS_URL is set (`manage.py rqworker default`). QORGAU_TASKS_BACKEND names
# another backend outright.
REDIS_URL = env_str("REDIS_URL")
_tasks_backend = env_str(
    "QORGAU_TASKS_BACKEND",
    "django_tasks_rq.RQBackend" if REDIS_URL else "django_tasks_db.DatabaseBackend",
)
TASKS = {"default": {"BACKEND": _tasks_backend}}
# `manage.py rqworker` runs the jobs of the tasks backend with its job class (without it every job
# fails: "'Task' object is not callable").
RQ = {"JOB_CLASS": "django_tasks_rq.backend.Job"}
if REDIS_URL:
    INSTALLED_APPS += ["django_rq"]
    RQ_QUEUES = {
        "default": {
            "URL": REDIS_URL,
            # Seconds a task may run before RQ stops it and records it as failed.
            "DEFAULT_TIMEOUT": env_int("QORGAU_TASK_TIMEOUT", 1800),
        }
    }
# Attempts of a failing task before it stays failed (kept, visible in /healthz and the admin).
QORGAU_TASK_ATTEMPTS = env_int("QORGAU_TASK_ATTEMPTS", 5)
# Seconds before the first retry; doubled at every further attempt.
QORGAU_TASK_RETRY_SECONDS = env_int("QORGAU_TASK_RETRY_SECONDS", 30)
# A database task still "running" after this many seconds lost its worker: `tick` puts it back.
QORGAU_TASK_TIMEOUT = env_int("QORGAU_TASK_TIMEOUT", 1800)

# Alerts that nobody acknowledges climb: to the region's chief after this many minutes, to the
# national duty desk after that many (both counted from the alert).
QORGAU_ESCALATE_TO_CHIEF_MINUTES = env_int("QORGAU_ESCALATE_TO_CHIEF_MINUTES", 10)
QORGAU_ESCALATE_TO_NATIONAL_MINUTES = env_int("QORGAU_ESCALATE_TO_NATIONAL_MINUTES", 20)

# The address of the site, for links in e-mails.
QORGAU_SITE_URL = env_str("QORGAU_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "qorgau@localhost")
# With the file-based backend (what `make run` uses): one file per e-mail in this folder.
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))

# Text messages (SMS) to staff, through the backend QORGAU_SMS_BACKEND names (qorgau/core/sms/):
# the console in development, Mobizon's HTTP API in production; `make run` writes one file per
# message in QORGAU_SMS_FILE_PATH, the tests keep them in memory. `check --deploy` says what is
# missing (docs/operations.md, "SMS gateway").
QORGAU_SMS_BACKEND = env_str(
    "QORGAU_SMS_BACKEND",
    "qorgau.core.sms.backends.console.SmsBackend"
    if DEBUG
    else "qorgau.core.sms.backends.mobizon.SmsBackend",
)
# Mobizon: the account's API server (https://api.mobizon.kz for Kazakhstan), its key, and the
# registered sender name (alphaname; empty: Mobizon's common one). Seconds to wait for an answer.
QORGAU_SMS_URL = env_str("QORGAU_SMS_URL", "").rstrip("/")
QORGAU_SMS_API_KEY = env_str("QORGAU_SMS_API_KEY", "")
QORGAU_SMS_SENDER = env_str("QORGAU_SMS_SENDER", "")
QORGAU_SMS_TIMEOUT = env_float("QORGAU_SMS_TIMEOUT", 10.0)
# With the file-based backend (what `make run` uses): one file per message in this folder.
QORGAU_SMS_FILE_PATH = env_str("QORGAU_SMS_FILE_PATH", str(VAR_DIR / "sms"))

# Where the "leave this site quickly" button goes: a neutral page, replacing this one in history.
QORGAU_QUICK_EXIT_URL = env_str("QORGAU_QUICK_EXIT_URL", "https://www.google.com/search?q=weather")
# Personal API tokens for staff expire after this many days unless the command says otherwise.
QORGAU_API_TOKEN_DAYS = env_int("QORGAU_API_TOKEN_DAYS", 90)

# The duty rota: "Start my duty" puts a member of staff on duty for this many hours (an override of
# the rota that expires by itself); patterns are written out as shifts this many days ahead.
QORGAU_DUTY_OVERRIDE_HOURS = env_int("QORGAU_DUTY_OVERRIDE_HOURS", 8)
QORGAU_DUTY_PLAN_DAYS = env_int("QORGAU_DUTY_PLAN_DAYS", 15)

# The Red Button.
# Hours within which a report of each priority needs a first action: P1, P2, P3, P4.
_response_hours = env_list("QORGAU_RESPONSE_HOURS", ["1", "24", "72", "168"])
if len(_response_hours) != 4 or not all(h.isdigit() and int(h) > 0 for h in _response_hours):
    raise ConfigurationError(
        "QORGAU_RESPONSE_HOURS must be four whole numbers of hours: P1,P2,P3,P4."
    )
QORGAU_RESPONSE_HOURS = dict(zip(["P1", "P2", "P3", "P4"], map(int, _response_hours), strict=True))
# Seconds a worker keeps the triage rules before looking for a newer published version.
QORGAU_TRIAGE_RULES_TTL = env_int("QORGAU_TRIAGE_RULES_TTL", 10)
# Offenders: days from admission to the psychiatric examination; supervision meetings by risk level.
QORGAU_EXAMINATION_DAYS = env_int("QORGAU_EXAMINATION_DAYS", 30)
QORGAU_SUPERVISION_DAYS = {
    "high": env_int("QORGAU_SUPERVISION_DAYS_HIGH", 7),
    "moderate": env_int("QORGAU_SUPERVISION_DAYS_MODERATE", 14),
    "low": env_int("QORGAU_SUPERVISION_DAYS_LOW", 30),
}
# Cases: hours before a handover's deadline that the chief and the holding prosecutor are warned.
QORGAU_HANDOVER_WARN_HOURS = env_int("QORGAU_HANDOVER_WARN_HOURS", 24)
# Prevention: days a referral to a partner may stay unanswered before the referrer and the chief
# are told.
QORGAU_REFERRAL_ANSWER_DAYS = env_int("QORGAU_REFERRAL_ANSWER_DAYS", 7)
# Requests to platforms: how long a platform keeps an account's data under a preservation request,
# counted from the day it is sent (the analyst may write another date), and how many days a sent
# removal request may go unanswered; past either, `tick` alerts the author and the region.
QORGAU_TAKEDOWN_PRESERVATION_DAYS = env_int("QORGAU_TAKEDOWN_PRESERVATION_DAYS", 90)
QORGAU_TAKEDOWN_REMOVAL_ANSWER_DAYS = env_int("QORGAU_TAKEDOWN_REMOVAL_ANSWER_DAYS", 7)
# The audit log's anchor outside the database (qorgau/core/audit_checkpoint.py): `tick` appends a
# checkpoint of the chain head, signed with this Ed25519 key (32 bytes in base64; keep it out of
# the database and its backups), to this file (append-only; best on another machine or an
# append-only mount). An auditor's machine verifies with the public half only
# (QORGAU_AUDIT_VERIFY_KEY, printed by `manage.py print_audit_key`; comma-separated for old keys).
# Development (DEBUG) defaults both to var/, the key made on first use.
QORGAU_AUDIT_SIGNING_KEY = env_str("QORGAU_AUDIT_SIGNING_KEY")
QORGAU_AUDIT_VERIFY_KEY = env_str("QORGAU_AUDIT_VERIFY_KEY")
QORGAU_AUDIT_CHECKPOINT_PATH = env_str(
    "QORGAU_AUDIT_CHECKPOINT_PATH", str(VAR_DIR / "audit-checkpoints.jsonl") if DEBUG else None
)
# Client addresses in the audit log are cut to their network (IPv4 /24, IPv6 /48) after this
# many days (`tick`).
QORGAU_ADDRESS_RETENTION_DAYS = env_int("QORGAU_ADDRESS_RETENTION_DAYS", 90)
# Closed unfounded reports (and their files) are purged after this many days.
QORGAU_RETENTION_DAYS_UNFOUNDED = env_int("QORGAU_RETENTION_DAYS_UNFOUNDED", 365)
# Evidence: at most this many files a report; a picture or a document up to QORGAU_EVIDENCE_MAX_MB,
# a voice note or a video up to QORGAU_EVIDENCE_MEDIA_MAX_MB (the type is told from the content);
# all the files sent with one form together up to QORGAU_EVIDENCE_TOTAL_MAX_MB (by default ten
# files of the first size, and never less than one of the second).
QORGAU_EVIDENCE_MAX_FILES = env_int("QORGAU_EVIDENCE_MAX_FILES", 10)
QORGAU_EVIDENCE_MAX_BYTES = env_int("QORGAU_EVIDENCE_MAX_MB", 20) * 2**20
QORGAU_EVIDENCE_MEDIA_MAX_BYTES = env_int("QORGAU_EVIDENCE_MEDIA_MAX_MB", 100) * 2**20
QORGAU_EVIDENCE_TOTAL_MAX_BYTES = max(
    env_int(
        "QORGAU_EVIDENCE_TOTAL_MAX_MB",
        QORGAU_EVIDENCE_MAX_FILES * QORGAU_EVIDENCE_MAX_BYTES // 2**20,
    )
    * 2**20,
    QORGAU_EVIDENCE_MAX_BYTES,
    QORGAU_EVIDENCE_MEDIA_MAX_BYTES,
)
# Near-duplicate pictures (issue 22): PDQ hashes within this many bits (of 256) of each other
# become a candidate link an analyst decides on (31: the PDQ authors' threshold). Hashes of
# quality under QORGAU_PDQ_MIN_QUALITY (plain, nearly uniform pictures) are kept but never matched.
QORGAU_PDQ_MAX_DISTANCE = min(max(env_int("QORGAU_PDQ_MAX_DISTANCE", 31), 0), 63)
QORGAU_PDQ_MIN_QUALITY = env_int("QORGAU_PDQ_MIN_QUALITY", 50)
# Reports one address may send through the form per hour (a school shares one address: be generous).
QORGAU_REPORT_RATE_PER_HOUR = env_int("QORGAU_REPORT_RATE_PER_HOUR", 30)
# Receipt code attempts one address may make per 10 minutes.
QORGAU_RECEIPT_RATE_PER_10_MIN = env_int("QORGAU_RECEIPT_RATE_PER_10_MIN", 10)
# Wrong receipt codes one address may try per hour with the same first eight digits (a first half
# names one report). Never a limit on the report itself: no address can lock a report for another.
QORGAU_RECEIPT_FAILURES_PER_CODE_PER_HOUR = env_int("QORGAU_RECEIPT_FAILURES_PER_CODE_PER_HOUR", 5)
# How long an opened receipt keeps the report open in the browser (seconds).
QORGAU_RECEIPT_SESSION_SECONDS = env_int("QORGAU_RECEIPT_SESSION_SECONDS", 30 * 60)
# Bodies over these are refused (413) from their Content-Length, or while they stream, before they
# are held (qorgau/core/body_limits.py). The Red Button's form and follow-up:
# QORGAU_EVIDENCE_TOTAL_MAX_MB, plus 1 MiB. The API, whose JSON a worker holds whole (about twice its size, with
# its parsed text): by default one file of the largest size in base64 (a third larger) plus 1 MiB
# of text, so that a request at the limit keeps a worker under 250 MB (bench/workers.py).
QORGAU_MAX_REQUEST_BYTES = env_int(
    "QORGAU_MAX_REQUEST_BYTES", QORGAU_EVIDENCE_MAX_BYTES * 4 // 3 + 2**20
)
# Every other path: staff forms, CSV imports (the register, schools), webhooks, the admin.
QORGAU_MAX_OTHER_REQUEST_BYTES = env_int("QORGAU_MAX_OTHER_REQUEST_MB", 20) * 2**20
# Django's own limit on a body read whole (`request.body`, the API's JSON) and on a form's fields
# but files: the API's, so that the configured one is the one that refuses.
DATA_UPLOAD_MAX_MEMORY_SIZE = QORGAU_MAX_REQUEST_BYTES
# Larger uploads go to a temporary file, and every file is read from there in chunks.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 2**20
FILE_UPLOAD_HANDLERS = [
    "qorgau.core.body_limits.FileSizeLimit",  # stops the parser at a file over its limit
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_NUMBER_FILES = QORGAU_EVIDENCE_MAX_FILES + 5

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Personal data never in logs, at any level (see qorgau/core/log_filters.py).
    "filters": {
        "drop_template_context": {"()": "qorgau.core.log_filters.DropTemplateContext"},
        "redact_queries": {"()": "qorgau.core.log_filters.RedactQueries"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Request bodies and query values may carry personal data: log requests without them.
        "django.request": {"level": "ERROR"},
        "django.db.backends": {"level": "WARNING", "filters": ["redact_queries"]},
        "django.template": {"level": "INFO", "filters": ["drop_template_context"]},
    },
}
