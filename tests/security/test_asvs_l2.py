"""OWASP ASVS 4.0.3, level 2: the requirements that apply to Qorgau, each checked against the running
application (the test client, or the production settings loaded in a fresh interpreter).

Requirements that are checked elsewhere name their test here, so that this file is the index:
- V4.1.1, V4.2.1 (access control on the server, objects of other regions): tests/core/test_permission_matrix.py
  and tests/core/test_action_matrix.py;
- V5.1.x, V5.3.x (input validated, output encoded): tests/security/test_api_fuzz.py (schemathesis),
  tests/security/test_autoescape.py, tests/security/test_finding_08_lone_surrogates.py;
- V7.1.1, V7.1.2 (no secrets or personal data in logs): tests/security/test_no_personal_data_in_logs.py;
- V7.3.3 (the audit log cannot be changed unseen): tests/security/test_finding_07_audit_anchor.py;
- V11.1.4, V2.2.1 (anti-automation): test_finding_02, test_finding_03, test_finding_09;
- V12.1.1 (large files refused early): tests/security/test_finding_06_streaming_limits.py.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from qorgau.core.models import AuditEntry
from qorgau.intake.models import Report
from tests.conftest import PASSWORD, totp_code, totp_device_for
from tests.intake.conftest import PNG
from tests.intake.test_views import form_data

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def production_settings(*names: str) -> dict:
    """The values of `names` in qorgau.settings as a production server loads them (DEBUG off)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "SECURE_", "SESSION_", "QORGAU_", "DEBUG"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="qorgau.settings",
        DEBUG="false",
        SECRET_KEY="asvs-check-" + "x" * 50,
        QORGAU_MASTER_KEY="AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=",
        QORGAU_LOOKUP_KEY="BAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQ=",
        ALLOWED_HOSTS="qorgau.example",
    )
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}, default=str))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def sign_in(client: Client, user) -> None:
    """Through the real pages: password, then the authenticator's code."""
    device = totp_device_for(user)
    response = client.post(
        "/staff/login/", {"username": user.username, "password": PASSWORD, "next": "/staff/"}
    )
    assert response.status_code == 302
    response = client.post("/staff/login/code/", {"code": totp_code(device), "next": "/staff/"})
    assert response.status_code == 302 and response.url == "/staff/"


class TestV2Authentication:
    def test_2_1_1_and_2_4_1_passwords_are_long_and_hashed_with_argon2(self):
        values = production_settings("AUTH_PASSWORD_VALIDATORS", "PASSWORD_HASHERS")
        minimum = [
            v
            for v in values["AUTH_PASSWORD_VALIDATORS"]
            if v["NAME"].endswith("MinimumLengthValidator")
        ]
        assert minimum and minimum[0]["OPTIONS"]["min_length"] >= 12
        assert values["PASSWORD_HASHERS"][0].endswith("Argon2PasswordHasher")

    def test_2_7_and_4_3_1_a_password_alone_opens_neither_staff_pages_nor_the_admin(
        self, client, admin_user, analyst
    ):
        for user, url in ((analyst, "/staff/reports/"), (admin_user, "/admin/")):
            client.force_login_password_only(user)
            response = client.get(url, follow=True)
            assert response.redirect_chain, url
            assert response.request["PATH_INFO"].startswith("/staff/login/"), url
            client.logout()


class TestV3Sessions:
    def test_3_2_1_signing_in_issues_a_new_session_id(self, analyst):
        client = Client()
        client.get("/staff/login/")
        client.cookies["qorgau_session"] = "attacker-chosen-session-id"
        sign_in(client, analyst)
        assert client.cookies["qorgau_session"].value != "attacker-chosen-session-id"
        assert client.get("/staff/").status_code == 200

    def test_3_3_1_after_sign_out_the_old_session_cookie_opens_nothing(self, analyst):
        client = Client()
        sign_in(client, analyst)
        stolen = client.cookies["qorgau_session"].value
        assert client.post("/staff/logout/").status_code in {200, 302}
        thief = Client()
        thief.cookies["qorgau_session"] = stolen
        assert thief.get("/staff/reports/").status_code == 302

    def test_3_3_2_and_3_4_session_cookies_are_short_lived_secure_httponly_samesite(self):
        values = production_settings(
            "SESSION_COOKIE_AGE",
            "SESSION_SAVE_EVERY_REQUEST",
            "SESSION_EXPIRE_AT_BROWSER_CLOSE",
            "SESSION_COOKIE_SECURE",
            "SESSION_COOKIE_HTTPONLY",
            "SESSION_COOKIE_SAMESITE",
            "CSRF_COOKIE_SECURE",
            "CSRF_COOKIE_HTTPONLY",
        )
        # idle timeout of at most 30 minutes (L2), renewed by activity, gone with the browser
        assert values["SESSION_COOKIE_AGE"] <= 30 * 60 and values["SESSION_SAVE_EVERY_REQUEST"]
        assert values["SESSION_EXPIRE_AT_BROWSER_CLOSE"]
        assert values["SESSION_COOKIE_SECURE"] and values["SESSION_COOKIE_HTTPONLY"]
        assert values["SESSION_COOKIE_SAMESITE"] in {"Lax", "Strict"}
        assert values["CSRF_COOKIE_SECURE"] and values["CSRF_COOKIE_HTTPONLY"]


class TestV4AccessControl:
    def test_4_2_2_a_staff_action_without_the_csrf_token_is_refused_and_writes_nothing(
        self, analyst
    ):
        Client().post("/report/", form_data())
        report = Report.objects.get()
        signed_in = Client()
        sign_in(signed_in, analyst)
        client = Client(enforce_csrf_checks=True)
        client.cookies["qorgau_session"] = signed_in.cookies["qorgau_session"].value
        assert client.get("/staff/reports/").status_code == 200
        before = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        response = client.post(f"/staff/reports/{report.public_id}/do/take/")
        assert response.status_code == 403
        report.refresh_from_db()
        assert report.assigned_to is None
        assert not AuditEntry.objects.filter(pk__gt=before, action__startswith="report.").exists()


class TestV7ErrorsAndLogging:
    def test_7_2_1_sign_ins_and_failed_sign_ins_are_in_the_audit_log(self, analyst):
        client = Client()
        client.post("/staff/login/", {"username": analyst.username, "password": "wrong password!"})
        sign_in(client, analyst)
        actions = set(AuditEntry.objects.values_list("action", flat=True))
        assert {"auth.login_failed", "auth.otp_verified"} <= actions

    def test_7_4_1_an_error_page_says_nothing_of_the_code_or_the_data(self, monkeypatch):
        from qorgau.core import selectors

        def broken():
            raise RuntimeError("secret-internal-detail Synthetic Person 870412300111")

        monkeypatch.setattr(selectors, "helpline_list", broken)
        response = Client(raise_request_exception=False).get("/help/")
        assert response.status_code == 500
        html = response.content.decode()
        assert "secret-internal-detail" not in html and "870412300111" not in html
        assert "Traceback" not in html and "RuntimeError" not in html


class TestV8DataProtection:
    def test_8_2_1_pages_with_personal_data_are_never_kept_by_the_browser(self, client, analyst):
        Client().post("/report/", form_data())
        report = Report.objects.get()
        client.force_login(analyst)
        for url in ("/staff/", "/staff/reports/", f"/staff/reports/{report.public_id}/"):
            response = client.get(url)
            assert response.status_code == 200, url
            assert "no-store" in response.get("Cache-Control", ""), url

    def test_8_2_1_the_api_answers_are_never_cached(self, client, analyst):
        client.force_login(analyst)
        response = client.get("/api/v1/reports/RB-0000-0000/status")
        assert "no-store" in response.get("Cache-Control", "")

    def test_8_3_1_a_receipt_code_in_the_address_bar_opens_nothing(self, reference_data):
        from tests.intake.test_views import receipt_from

        client = Client()
        code = receipt_from(client.post("/report/", form_data())).replace(" ", "")
        other = Client()
        response = other.get(f"/report/status/?code={code}")
        assert response.status_code == 200
        assert "intake/status_login.html" in [t.name for t in response.templates]
        assert "qorgau_receipt_report" not in other.session


class TestV12Files:
    def test_12_3_1_the_name_a_sender_gives_a_file_is_never_a_path_on_disk(
        self, reference_data, settings, tmp_path
    ):
        settings.MEDIA_ROOT = tmp_path / "files"
        upload = SimpleUploadedFile("../../../../etc/cron.d/evil.png", PNG, "image/png")
        response = Client().post("/report/", form_data(evidence=[upload]))
        assert response.status_code == 201
        item = Report.objects.get().evidence.get()
        stored = [p for p in (tmp_path / "files").rglob("*") if p.is_file()]
        assert stored and all(p.resolve().is_relative_to(tmp_path / "files") for p in stored)
        assert all("evil" not in p.name and ".." not in p.name for p in stored)
        assert item.storage_name and "/" not in item.storage_name

    def test_12_5_2_evidence_is_downloaded_never_rendered(
        self, client, analyst, tmp_path, settings
    ):
        settings.MEDIA_ROOT = tmp_path / "files"
        html = SimpleUploadedFile("chat.txt", b"<script>alert(1)</script>", "text/html")
        Client().post("/report/", form_data(evidence=[html]))
        report = Report.objects.get()
        item = report.evidence.get()
        client.force_login(analyst)
        response = client.post(f"/staff/reports/{report.public_id}/evidence/{item.public_id}/")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/octet-stream"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]


class TestV13Api:
    def test_13_1_3_a_token_in_the_query_string_is_not_accepted(self, reference_data):
        from qorgau.intake import services

        _row, token = services.platform_token_create(acting_user=None, platform_name="P")
        response = Client().post(
            f"/api/v1/reports?token={token}&access_token={token}",
            "{}",
            content_type="application/json",
        )
        assert response.status_code == 401

    def test_13_2_1_methods_the_api_does_not_offer_are_refused(self, reference_data):
        for method in ("put", "delete", "patch"):
            response = getattr(Client(), method)("/api/v1/reports")
            assert response.status_code == 405, method

    def test_14_5_3_the_api_does_not_let_any_website_read_its_answers(self, reference_data):
        response = Client().get(
            "/api/v1/reports/RB-0000-0000/status", HTTP_ORIGIN="https://evil.example"
        )
        assert "Access-Control-Allow-Origin" not in response
        assert "Access-Control-Allow-Credentials" not in response


class TestV14Configuration:
    def test_14_4_security_headers_on_every_kind_of_page(self, client, analyst):
        client.force_login(analyst)
        for url in ("/", "/report/", "/staff/"):
            response = client.get(url)
            assert response["Content-Type"].endswith("charset=utf-8"), url  # 14.4.1
            csp = response["Content-Security-Policy"]  # 14.4.3
            assert (
                "default-src 'self'" in csp and "'unsafe-inline'" not in csp.split("style-src")[0]
            )
            assert "frame-ancestors 'none'" in csp, url  # 14.4.7
            assert response["X-Frame-Options"] == "DENY", url
            assert response["X-Content-Type-Options"] == "nosniff", url  # 14.4.4
            assert response["Referrer-Policy"] in {"same-origin", "no-referrer", "strict-origin"}

    def test_14_4_5_and_14_3_2_production_has_hsts_and_no_debug(self):
        values = production_settings(
            "DEBUG", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_SSL_REDIRECT"
        )
        assert values["DEBUG"] is False
        assert (
            values["SECURE_HSTS_SECONDS"] >= 31536000 and values["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
        )
        assert values["SECURE_SSL_REDIRECT"] is True
