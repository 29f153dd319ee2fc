"""Start-up refuses production settings that are missing or malformed, with a message saying what to set."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from qorgau.env import ConfigurationError, env_bool

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="


def run_settings(code: str, env: dict[str, str], *, drop=lambda name: False):
    """`code` in a fresh interpreter with these settings (variables `drop` says are left out)."""
    clean = {k: v for k, v in os.environ.items() if not drop(k)}
    clean.update(env)
    clean["DJANGO_SETTINGS_MODULE"] = "qorgau.settings"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def start(**env: str) -> subprocess.CompletedProcess:
    return run_settings(
        "import django; django.setup(); print('started')",
        env,
        drop=lambda name: name in {"DEBUG", "SECRET_KEY", "QORGAU_MASTER_KEY"},
    )


def test_production_without_master_key_stops_with_what_to_set():
    result = start(DEBUG="false", SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "QORGAU_MASTER_KEY is not set" in result.stderr
    assert "base64" in result.stderr


def test_production_with_malformed_master_key_stops():
    result = start(DEBUG="false", SECRET_KEY="x" * 50, QORGAU_MASTER_KEY="not-a-key")
    assert result.returncode != 0
    assert "QORGAU_MASTER_KEY is malformed" in result.stderr


def test_production_without_secret_key_stops():
    result = start(DEBUG="false", QORGAU_MASTER_KEY=GOOD_KEY)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_with_both_keys_starts():
    result = start(DEBUG="false", SECRET_KEY="x" * 50, QORGAU_MASTER_KEY=GOOD_KEY)
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_production_without_lookup_key_stops_with_what_to_set():
    result = run_settings(
        "import django; django.setup(); print('started')",
        {"DEBUG": "false", "SECRET_KEY": "x" * 50, "QORGAU_MASTER_KEY": GOOD_KEY},
        drop=lambda name: name.startswith("QORGAU_LOOKUP_KEY"),
    )
    assert result.returncode != 0
    assert "QORGAU_LOOKUP_KEY is not set" in result.stderr
    assert "base64" in result.stderr


def test_production_with_malformed_lookup_key_stops():
    result = start(
        DEBUG="false", SECRET_KEY="x" * 50, QORGAU_MASTER_KEY=GOOD_KEY, QORGAU_LOOKUP_KEY="short"
    )
    assert result.returncode != 0
    assert "QORGAU_LOOKUP_KEY is malformed" in result.stderr


def test_legacy_secret_keys_may_come_from_a_file(tmp_path):
    legacy = tmp_path / "legacy"
    legacy.write_text("first-old-secret, second-old-secret\n")
    result = run_settings(
        "from django.conf import settings; print(settings.QORGAU_LEGACY_SECRET_KEYS)",
        {"DEBUG": "true", "QORGAU_LEGACY_SECRET_KEYS_FILE": str(legacy)},
    )
    assert result.stdout.strip() == "['first-old-secret', 'second-old-secret']", result.stderr


def test_a_secret_can_come_from_a_file(tmp_path):
    key_file = tmp_path / "master.key"
    key_file.write_text(GOOD_KEY + "\n")
    result = start(DEBUG="false", SECRET_KEY="x" * 50, QORGAU_MASTER_KEY_FILE=str(key_file))
    assert result.returncode == 0, result.stderr


def test_a_boolean_that_is_not_true_or_false_stops_start_up():
    result = start(DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


@pytest.mark.parametrize(
    "value,expected", [("true", True), ("FALSE", False), ("1", True), ("off", False)]
)
def test_booleans_accept_true_and_false_words(monkeypatch, value, expected):
    monkeypatch.setenv("SOME_FLAG", value)
    assert env_bool("SOME_FLAG", not expected) is expected


def test_booleans_refuse_anything_else(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "yes please")
    with pytest.raises(ConfigurationError):
        env_bool("SOME_FLAG", False)


def test_passwords_are_hashed_with_argon2_in_production():
    import qorgau.settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_env_example_lists_every_variable_the_settings_read():
    import re

    read = set()
    for path in (ROOT / "qorgau").rglob("*.py"):  # settings, and commands such as backup
        text = path.read_text()
        read |= set(re.findall(r'env_(?:str|bool|int|float|list|networks)\(\s*"([A-Z_]+)"', text))
        read |= set(re.findall(r'os\.environ(?:\.get\(|\[)\s*"([A-Z_]+)"', text))
    assert "QORGAU_BACKUP_KEY" in read and "QORGAU_SMS_TIMEOUT" in read
    listed = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read - listed == set()


def test_gunicorn_runs_two_workers_per_core_plus_one_unless_told(monkeypatch):
    import runpy

    monkeypatch.delenv("GUNICORN_WORKERS", raising=False)
    monkeypatch.setattr("multiprocessing.cpu_count", lambda: 4)
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["workers"] == 9
    assert "%(q)s" not in config["access_log_format"]  # no query strings in the log
    assert "%(h)s" not in config["access_log_format"]  # no addresses either
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["workers"] == 3


def test_env_example_lists_every_variable_of_the_gunicorn_configuration():
    import re

    read = set(
        re.findall(
            r'_int\("([A-Z_]+)"|environ\.get\("([A-Z_]+)"', (ROOT / "gunicorn.conf.py").read_text()
        )
    )
    read = {a or b for a, b in read}
    listed = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read and read - listed == set()


def test_production_cookies_are_secure_and_sessions_end_after_thirty_idle_minutes():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; print("
            "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.LANGUAGE_COOKIE_SECURE, "
            "s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, "
            "s.SESSION_COOKIE_AGE, s.SESSION_SAVE_EVERY_REQUEST, s.SESSION_EXPIRE_AT_BROWSER_CLOSE, "
            "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
            "s.SECURE_HSTS_PRELOAD, s.X_FRAME_OPTIONS)",
        ],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "QORGAU_SES"))},
            "DEBUG": "false",
            "SECRET_KEY": "x" * 50,
            "QORGAU_MASTER_KEY": GOOD_KEY,
            "DJANGO_SETTINGS_MODULE": "qorgau.settings",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        *["True"] * 5,
        "Lax",
        "1800",
        "True",
        "True",
        "True",
        "31536000",
        "True",
        "True",
        "DENY",
    ]


def _database_options(**env: str) -> subprocess.CompletedProcess:
    return run_settings(
        "from django.conf import settings; "
        "print(sorted(settings.DATABASES['default']['OPTIONS'].items()))",
        {**env, "DEBUG": "true", "DATABASE_URL": "postgres://qorgau@127.0.0.1:5432/qorgau"},
        drop=lambda name: name.startswith("DATABASE_"),
    )


def test_postgresql_binds_on_the_server_and_prepares_statements_unless_told_not_to():
    default = _database_options()
    assert "('prepare_threshold', 2)" in default.stdout
    assert "('server_side_binding', True)" in default.stdout
    off = _database_options(DATABASE_PREPARE_THRESHOLD="off")
    assert "prepare_threshold" not in off.stdout and off.returncode == 0, off.stderr
    bad = _database_options(DATABASE_PREPARE_THRESHOLD="sometimes")
    assert bad.returncode != 0 and "DATABASE_PREPARE_THRESHOLD" in bad.stderr
