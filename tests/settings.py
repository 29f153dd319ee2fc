"""Settings for the test suite: qorgau.settings plus a test-only app, a fixed test key, fast hashing."""

import os

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-0123456789")
# A fixed, obviously test-only master key (32 bytes of 0x01), so tests never depend on var/.
os.environ.setdefault("QORGAU_MASTER_KEY", "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=")
# The same for the lookup key (32 bytes of 0x04): never SECRET_KEY, never the master key.
os.environ.setdefault("QORGAU_LOOKUP_KEY", "BAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQ=")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")

from qorgau.settings import *  # noqa: F403
from qorgau.settings import DATABASES, INSTALLED_APPS, STATIC_ROOT, VAR_DIR

INSTALLED_APPS = [*INSTALLED_APPS, "tests.testapp"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
QORGAU_SMS_BACKEND = "qorgau.core.sms.backends.locmem.SmsBackend"
QORGAU_TRIAGE_RULES_TTL = 0
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# The RQ tests (tests/core/test_tasks.py) use this Redis database; they skip when it does not answer.
RQ_QUEUES = {
    "default": {"URL": os.environ.get("QORGAU_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")}
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # A file, not memory: tests with several connections (concurrent audit writers) need one.
    # tmpfs-backed where there is one, so the suite stays fast.
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get("QORGAU_TEST_SQLITE", str(VAR_DIR / "test.sqlite3"))
    }
    DATABASES["default"]["OPTIONS"]["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA foreign_keys=ON;"
    )

# Every service (`@service`) that returns without having written an audit entry fails the test.
QORGAU_CHECK_SERVICE_AUDIT = True
