"""Nothing accepted is ever lost: gunicorn (the project's gunicorn.conf.py, production settings) takes
reports concurrently through POST /api/v1/reports, is killed with SIGKILL in the middle, restarted,
and every report that had been answered 201 is found whole: its narrative decrypts, its evidence file
is on disk with the right SHA-256, its audit entry exists, and `verify_audit` passes.

It runs on the database the suite runs on (PostgreSQL when DATABASE_URL is set, the production
engine; SQLite otherwise, which gunicorn's workers share in WAL mode).
"""

import base64
import hashlib
import http.client
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection

from qorgau.core.models import AuditEntry
from qorgau.intake import evidence as evidence_files
from qorgau.intake import services
from qorgau.intake.models import Report

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
PORT = 8651
SENDERS = 6


def server_environment(var_dir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "SQLITE_", "PYTEST"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="qorgau.settings",
        DEBUG="false",
        SECRET_KEY=django_settings.SECRET_KEY,
        QORGAU_MASTER_KEY=django_settings.QORGAU_MASTER_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        QORGAU_VAR_DIR=str(var_dir),
        GUNICORN_BIND=f"127.0.0.1:{PORT}",
        GUNICORN_WORKERS="2",
        LOG_LEVEL="WARNING",
    )
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
            f"{db['NAME']}"
        )
    else:
        env["SQLITE_PATH"] = str(db["NAME"])
    return env


class Server:
    def __init__(self, env: dict[str, str], log: Path):
        self.env, self.log = env, log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(
            [str(gunicorn), "-c", str(ROOT / "gunicorn.conf.py"), "qorgau.wsgi"],
            cwd=ROOT,
            env=self.env,
            stdout=open(self.log, "ab"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: SIGKILL reaches every worker
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
                conn.request("GET", "/api/v1/openapi.json")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"gunicorn did not start: {self.log.read_text()[-2000:]}")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, sig)
        self.process.wait(timeout=30)


@pytest.fixture
def platform_token(programme_data):
    return services.platform_token_create(acting_user=None, platform_name="Synthetic")[1]


def send(token: str, n: int, accepted: list, refused: list, stop: threading.Event) -> None:
    while not stop.is_set():
        narrative = f"Synthetic report {n} {os.urandom(6).hex()}: he writes to her every night."
        content = f"synthetic chat export {n}\n".encode() * 40 + os.urandom(16).hex().encode()
        body = json.dumps(
            {
                "category": "grooming",
                "narrative": narrative,
                "region": "KZ-75",
                "evidence": [
                    {"filename": "chat.txt", "content_base64": base64.b64encode(content).decode()}
                ],
            }
        )
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
            conn.request(
                "POST",
                "/api/v1/reports",
                body,
                {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
            response = conn.getresponse()
            data = response.read()
            if response.status == 201:
                accepted.append((json.loads(data)["id"], narrative, content))
            else:
                refused.append(response.status)
        except (OSError, http.client.HTTPException):
            refused.append("connection")
            time.sleep(0.05)
        n += SENDERS


def test_every_report_answered_201_survives_a_sigkill_whole(platform_token, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "var" / "files"
    server = Server(server_environment(tmp_path / "var"), tmp_path / "gunicorn.log")
    server.start()
    accepted: list = []
    refused: list = []
    stop = threading.Event()
    senders = [
        threading.Thread(target=send, args=(platform_token, n, accepted, refused, stop))
        for n in range(SENDERS)
    ]
    try:
        for thread in senders:
            thread.start()
        while len(accepted) < 20:
            time.sleep(0.05)
        server.kill(signal.SIGKILL)  # in the middle of requests: no graceful shutdown
        before_restart = len(accepted)
        time.sleep(0.5)
        server.start()
        while len(accepted) < before_restart + 10:
            time.sleep(0.05)
    finally:
        stop.set()
        for thread in senders:
            thread.join(timeout=30)
        if server.process and server.process.poll() is None:
            server.kill(signal.SIGTERM)

    assert "connection" in refused, "the kill interrupted no request: the test proved nothing"
    reports = {
        r.public_id: r for r in Report.objects.filter(public_id__in=[a[0] for a in accepted])
    }
    assert len(reports) == len(accepted)
    for public_id, narrative, content in accepted:
        report = reports[public_id]
        assert report.narrative == narrative
        evidence = report.evidence.get()
        stored = evidence_files.read_decrypted(evidence.storage_name, evidence.data_key)
        assert hashlib.sha256(stored).hexdigest() == evidence.sha256
        assert stored == content
        assert AuditEntry.objects.filter(
            action="report.submit", object_type="intake.report", object_id=str(report.pk)
        ).exists()
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "intact" in out.getvalue()
