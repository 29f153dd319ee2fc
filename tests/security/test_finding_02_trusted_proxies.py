"""Finding 2: behind nginx every request came from the proxy's address, so every per-address limit
(the receipt follow-up, the public form, staff sign-in) was one limit for the whole country.

With TRUSTED_PROXIES set, the client is the rightmost address of X-Forwarded-For that is not a
trusted proxy; a client that is not itself a trusted proxy cannot choose its address by sending the
header."""

import re
import runpy
from pathlib import Path

import pytest
from django.test import RequestFactory, override_settings

from qorgau.core.models import AuditEntry
from qorgau.core.utils import client_ip
from qorgau.env import ConfigurationError
from qorgau.intake import services
from qorgau.intake.enums import Source
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
PROXY = "127.0.0.1"  # nginx on the same machine, as docs/operations.md sets it up
CLIENT_A = "203.0.113.10"
CLIENT_B = "198.51.100.20"
BEHIND_NGINX = override_settings(TRUSTED_PROXIES=[PROXY, "::1"])


def ip_of(remote_addr, forwarded=None):
    meta = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **meta))


def via_nginx(client_address, sent_by_client=""):
    """What nginx's `X-Forwarded-For $proxy_add_x_forwarded_for` passes on: what the client sent,
    then the address nginx saw."""
    forwarded = f"{sent_by_client}, {client_address}" if sent_by_client else client_address
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded}


class TestClientAddress:
    def test_without_trusted_proxies_the_header_is_ignored(self, settings):
        settings.TRUSTED_PROXIES = []
        assert ip_of(PROXY, CLIENT_A) == PROXY
        assert ip_of(CLIENT_B, CLIENT_A) == CLIENT_B

    @BEHIND_NGINX
    def test_behind_a_trusted_proxy_the_client_is_the_address_it_appended(self):
        assert ip_of(PROXY, CLIENT_A) == CLIENT_A

    @BEHIND_NGINX
    def test_a_client_cannot_choose_its_address_through_the_proxy(self):
        # the client sent "X-Forwarded-For: 192.0.2.99"; nginx appended the address it saw
        assert ip_of(PROXY, f"192.0.2.99, {CLIENT_A}") == CLIENT_A
        assert ip_of(PROXY, f"{PROXY}, {CLIENT_A}") == CLIENT_A

    @BEHIND_NGINX
    def test_a_client_reaching_the_application_directly_cannot_spoof_the_header(self):
        assert ip_of(CLIENT_B, CLIENT_A) == CLIENT_B
        assert ip_of(CLIENT_B, PROXY) == CLIENT_B

    @override_settings(TRUSTED_PROXIES=["10.0.0.0/8", "2001:db8:1::/48"])
    def test_chained_proxies_in_networks_are_skipped_from_the_right(self):
        assert ip_of("10.0.0.2", f"192.0.2.99, {CLIENT_A}, 10.1.2.3, 10.0.0.7") == CLIENT_A
        assert ip_of("2001:db8:1::5", "2001:db8:ffff::1, 2001:db8:1::9") == "2001:db8:ffff::1"
        # the same address however it is written (one bucket, one audit value)
        assert ip_of("10.0.0.2", "2001:DB8:FFFF:0::1") == "2001:db8:ffff::1"

    @override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
    def test_a_malformed_entry_stops_the_walk_at_the_last_good_address(self):
        # what stands left of garbage cannot be vouched for: the last proxy that was is used
        assert ip_of("10.0.0.2", f"{CLIENT_A}, not-an-address, 10.0.0.7") == "10.0.0.7"
        assert ip_of("10.0.0.2", f"{CLIENT_A}, , 10.0.0.7") == "10.0.0.7"
        assert ip_of("10.0.0.2", "garbage") == "10.0.0.2"
        assert ip_of("10.0.0.2", "") == "10.0.0.2"

    @override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
    def test_when_every_hop_is_trusted_the_leftmost_is_the_client(self):
        assert ip_of("10.0.0.2", "10.5.5.5, 10.0.0.7") == "10.5.5.5"

    def test_a_malformed_trusted_proxy_stops_start_up_naming_it(self, monkeypatch):
        from qorgau.env import env_networks

        monkeypatch.setenv("TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/33")
        with pytest.raises(ConfigurationError, match=r"TRUSTED_PROXIES.*10\.0\.0\.0/33"):
            env_networks("TRUSTED_PROXIES")
        monkeypatch.setenv("TRUSTED_PROXIES", "nginx.local")
        with pytest.raises(ConfigurationError, match=r"nginx\.local"):
            env_networks("TRUSTED_PROXIES")
        monkeypatch.setenv("TRUSTED_PROXIES", " 127.0.0.1 , 10.0.0.0/8,::1, fd00::/8 ")
        assert env_networks("TRUSTED_PROXIES") == ["127.0.0.1", "10.0.0.0/8", "::1", "fd00::/8"]
        monkeypatch.delenv("TRUSTED_PROXIES")
        assert env_networks("TRUSTED_PROXIES") == []

    def test_no_code_reads_the_peer_address_but_client_ip(self):
        readers = [
            path.relative_to(ROOT).as_posix()
            for path in (ROOT / "qorgau").rglob("*.py")
            if "REMOTE_ADDR" in path.read_text()
        ]
        assert readers == ["qorgau/core/utils.py"]


def receipt_code():
    return services.report_submit(
        draft=services.ReportDraft(
            category="grooming", narrative="MARKER-synthetic: he wrote to me", region_code="KZ-75"
        ),
        submitter=services.Submitter(source=Source.WEB),
    ).receipt_code


@pytest.mark.django_db
class TestLimitsBehindTheProxy:
    @BEHIND_NGINX
    def test_ten_wrong_codes_from_one_client_do_not_stop_another(self, client, reference_data):
        code = receipt_code()
        for n in range(10):
            response = client.post(
                "/report/status/?lang=en",
                {"code": f"1111 2222 3333 {n:04d}"},
                **via_nginx(CLIENT_A, sent_by_client=f"192.0.2.{n}"),
            )
            assert response.status_code == 400
        # the same client is still held, whatever it puts in the header
        refused = client.post(
            "/report/status/?lang=en",
            {"code": "1111 2222 3333 9999"},
            **via_nginx(CLIENT_A, sent_by_client=CLIENT_B),
        )
        assert refused.status_code == 429
        other = type(client)()
        response = other.post("/report/status/?lang=en", {"code": code}, **via_nginx(CLIENT_B))
        assert response.status_code == 302, response.content.decode()[:500]

    def test_without_trusted_proxies_the_proxy_address_is_the_one_limited(
        self, client, reference_data, settings
    ):
        settings.TRUSTED_PROXIES = []
        settings.QORGAU_RECEIPT_RATE_PER_10_MIN = 2
        for n in range(2):
            client.post(
                "/report/status/", {"code": f"1111 2222 3333 {n:04d}"}, **via_nginx(CLIENT_A)
            )
        response = client.post(
            "/report/status/", {"code": "1111 2222 3333 4444"}, **via_nginx(CLIENT_B)
        )
        assert response.status_code == 429

    @BEHIND_NGINX
    def test_the_public_form_limit_is_per_client(self, client, reference_data, settings):
        settings.QORGAU_REPORT_RATE_PER_HOUR = 2
        for n in range(2):
            client.post("/report/", {"submission": f"a{n}"}, **via_nginx(CLIENT_A))
        assert (
            client.post("/report/", {"submission": "a3"}, **via_nginx(CLIENT_A)).status_code == 429
        )
        assert (
            client.post("/report/", {"submission": "b1"}, **via_nginx(CLIENT_B)).status_code == 400
        )

    @BEHIND_NGINX
    def test_the_sign_in_limit_of_an_address_is_per_client(self, client, analyst, settings):
        settings.QORGAU_LOGIN_FAILURES_PER_ADDRESS = 3
        for name in ("x1", "x2", "x3"):
            client.post(
                "/staff/login/", {"username": name, "password": "wrong"}, **via_nginx(CLIENT_A)
            )
        blocked = client.post(
            "/staff/login/", {"username": "analyst", "password": PASSWORD}, **via_nginx(CLIENT_A)
        )
        assert blocked.status_code == 429
        response = client.post(
            "/staff/login/", {"username": "analyst", "password": PASSWORD}, **via_nginx(CLIENT_B)
        )
        assert response.status_code == 302
        # and the audit log names the client, not the proxy
        assert AuditEntry.objects.get(action="auth.login").ip == CLIENT_B


def test_gunicorn_trusts_the_same_proxies(monkeypatch):
    monkeypatch.delenv("GUNICORN_FORWARDED_ALLOW_IPS", raising=False)
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8,127.0.0.1")
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["forwarded_allow_ips"] == (
        "10.0.0.0/8,127.0.0.1"
    )


def test_the_documented_nginx_block_appends_the_client_address():
    text = (ROOT / "docs" / "operations.md").read_text()
    nginx = re.search(r"```nginx\n(.*?)```", text, re.S).group(1)
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in nginx
    assert "X-Real-IP" not in nginx
    assert "TRUSTED_PROXIES=127.0.0.1" in text


class TestForwardedProto:
    """X-Forwarded-Proto is the proxy's word that the request came over HTTPS: with TRUSTED_PROXIES
    set, a client reaching gunicorn directly cannot say it and skip the redirect to HTTPS."""

    @BEHIND_NGINX
    @override_settings(SECURE_SSL_REDIRECT=True)
    def test_a_direct_client_claiming_https_is_still_sent_to_https(self, client, reference_data):
        response = client.get("/help/", REMOTE_ADDR=CLIENT_A, HTTP_X_FORWARDED_PROTO="https")
        assert response.status_code == 301 and response["Location"].startswith("https://")

    @BEHIND_NGINX
    @override_settings(SECURE_SSL_REDIRECT=True)
    def test_the_proxy_saying_https_is_believed(self, client, reference_data):
        response = client.get("/help/", **via_nginx(CLIENT_A), HTTP_X_FORWARDED_PROTO="https")
        assert response.status_code == 200

    @override_settings(SECURE_SSL_REDIRECT=True, TRUSTED_PROXIES=[])
    def test_without_trusted_proxies_the_header_is_read_as_before(self, client, reference_data):
        # an installation behind nginx that has not listed it yet must not loop on the redirect
        response = client.get("/help/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="https")
        assert response.status_code == 200
