"""Text messages reach the gateway as its protocol wants, and every failure raises, naming nothing
personal. Mobizon is stood in for by a local HTTP server: nothing here touches the network."""

from __future__ import annotations

import io
import json
import logging
import socket
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from qorgau.core import sms
from qorgau.core.checks import sms_gateway_configured
from qorgau.core.sms import SmsError, SmsMessage, get_backend, send_sms
from qorgau.env import ConfigurationError, env_float
from tests.core.test_settings import run_settings

PHONE = "+77011234567"
DIGITS = "77011234567"
KEY = "kz0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd"
MOBIZON = "qorgau.core.sms.backends.mobizon.SmsBackend"
ACCEPTED = {
    "code": 0,
    "data": {"campaignId": "51", "messageId": "12345", "status": 1},
    "message": "",
}


class FakeMobizon:
    """Answers every request with `status` and `answer` (a dict sent as JSON, or bytes), after
    `delay` seconds (cut short when the test ends); records what it was sent."""

    def __init__(self) -> None:
        self.status = 200
        self.answer: dict | bytes = ACCEPTED
        self.headers: dict[str, str] = {}
        self.delay = 0.0
        self.requests: list[dict] = []
        self.released = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length).decode("utf-8")
                parts = urlsplit(self.path)
                fake.requests.append(
                    {
                        "method": "POST",
                        "path": parts.path,
                        "query": parse_qs(parts.query),
                        "content_type": self.headers.get("Content-Type", ""),
                        "form": parse_qs(body, keep_blank_values=True),
                    }
                )
                if fake.delay:
                    fake.released.wait(fake.delay)
                payload = (
                    fake.answer
                    if isinstance(fake.answer, bytes)
                    else json.dumps(fake.answer).encode()
                )
                try:
                    self.send_response(fake.status)
                    for name, value in fake.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:
                    pass  # the client gave up waiting (the timeout test)

            do_GET = do_POST

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def mobizon(settings):
    fake = FakeMobizon()
    settings.QORGAU_SMS_BACKEND = MOBIZON
    settings.QORGAU_SMS_URL = fake.url
    settings.QORGAU_SMS_API_KEY = KEY
    settings.QORGAU_SMS_SENDER = "Qorgau"
    settings.QORGAU_SMS_TIMEOUT = 2
    yield fake
    fake.close()


def refused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def assert_names_nothing_personal(exc: BaseException) -> None:
    """Neither the error nor its traceback as a task's record would keep it (the frames of
    qorgau's code, and no chained urllib error, which holds the address and with it the key)."""
    ours = [f for f in traceback.extract_tb(exc.__traceback__) if "/qorgau/" in f.filename]
    told = "".join(traceback.format_exception_only(exc)) + repr(exc)
    told += "".join(traceback.format_list(ours))
    assert exc.__cause__ is None
    assert exc.__context__ is None or exc.__suppress_context__
    for secret in (PHONE, DIGITS, KEY, "701 123", "Срочно"):
        assert secret not in told


# Mobizon's protocol


def test_it_posts_the_message_to_mobizon_as_documented(mobizon):
    message_id = send_sms(PHONE, "Срочно: сообщение P1 R-7K3QX")

    assert message_id == "12345"
    [request] = mobizon.requests
    assert request["method"] == "POST"
    assert request["path"] == "/service/message/sendsmsmessage"
    assert request["query"] == {"output": ["json"], "api": ["v1"], "apiKey": [KEY]}
    assert request["content_type"].startswith("application/x-www-form-urlencoded")
    assert request["form"] == {
        "recipient": [DIGITS],
        "text": ["Срочно: сообщение P1 R-7K3QX"],
        "from": ["Qorgau"],
    }


def test_without_a_sender_name_mobizon_chooses_its_own(mobizon, settings):
    settings.QORGAU_SMS_SENDER = ""
    send_sms(PHONE, "P1 R-7K3QX")
    assert "from" not in mobizon.requests[0]["form"]


def test_a_trailing_slash_in_the_url_changes_nothing(mobizon, settings):
    settings.QORGAU_SMS_URL = mobizon.url + "/"
    send_sms(PHONE, "P1 R-7K3QX")
    assert mobizon.requests[0]["path"] == "/service/message/sendsmsmessage"


def test_an_answer_without_a_message_id_gives_the_campaign_id(mobizon):
    mobizon.answer = {"code": 0, "data": {"campaignId": "51"}, "message": ""}
    assert send_sms(PHONE, "P1 R-7K3QX") == "51"


# Failures raise, retryable or not, and name nothing personal


def test_a_refused_message_raises_with_the_providers_code(mobizon):
    mobizon.answer = {
        "code": 1,
        "data": {"recipient": f"Неверный номер {DIGITS}"},
        "message": f"Ошибка проверки данных для {DIGITS}",
    }
    with pytest.raises(SmsError) as caught:
        send_sms(PHONE, "Срочно: P1")
    assert caught.value.reason.startswith("provider code 1 (recipient): Ошибка проверки данных")
    assert not caught.value.retryable
    assert_names_nothing_personal(caught.value)


def test_a_wrong_key_raises_and_may_be_retried_once_fixed(mobizon):
    mobizon.status = 401
    mobizon.answer = {"code": 8, "data": [], "message": f"Неверный ключ API {KEY}"}
    with pytest.raises(SmsError) as caught:
        send_sms(PHONE, "Срочно: P1")
    assert caught.value.reason.startswith("provider code 8")
    assert caught.value.retryable
    assert_names_nothing_personal(caught.value)


def test_a_gateway_error_raises_http_503(mobizon):
    mobizon.status = 503
    mobizon.answer = b"<html>Service Unavailable</html>"
    with pytest.raises(SmsError) as caught:
        send_sms(PHONE, "Срочно: P1")
    assert caught.value.reason == "HTTP 503"
    assert caught.value.retryable
    assert_names_nothing_personal(caught.value)


def test_a_gateway_that_does_not_answer_in_time_raises_timeout(mobizon, settings):
    settings.QORGAU_SMS_TIMEOUT = 0.2
    mobizon.delay = 2
    started = time.monotonic()
    with pytest.raises(SmsError) as caught:
        send_sms(PHONE, "Срочно: P1")
    assert time.monotonic() - started < 1.5
    assert caught.value.reason == "timeout"
    assert caught.value.retryable
    assert_names_nothing_personal(caught.value)


def test_a_gateway_that_refuses_the_connection_raises(settings):
    settings.QORGAU_SMS_BACKEND = MOBIZON
    settings.QORGAU_SMS_URL = f"http://127.0.0.1:{refused_port()}"
    settings.QORGAU_SMS_API_KEY = KEY
    with pytest.raises(SmsError) as caught:
        send_sms(PHONE, "Срочно: P1")
    assert caught.value.reason == "connection failed (ConnectionRefusedError)"
    assert caught.value.retryable
    assert_names_nothing_personal(caught.value)


def test_an_answer_that_is_not_mobizons_json_raises(mobizon):
    mobizon.answer = b"<html>captive portal</html>"
    with pytest.raises(SmsError, match="not Mobizon's JSON") as caught:
        send_sms(PHONE, "Срочно: P1")
    assert_names_nothing_personal(caught.value)


def test_a_redirect_is_not_followed(mobizon):
    mobizon.status = 302
    mobizon.headers = {"Location": mobizon.url + "/elsewhere"}
    mobizon.answer = b""
    with pytest.raises(SmsError) as caught:
        send_sms(PHONE, "Срочно: P1")
    assert caught.value.reason == "HTTP 302"
    assert [r["path"] for r in mobizon.requests] == ["/service/message/sendsmsmessage"]


def test_a_gateway_without_url_or_key_raises_without_trying(settings):
    settings.QORGAU_SMS_BACKEND = MOBIZON
    settings.QORGAU_SMS_URL = ""
    settings.QORGAU_SMS_API_KEY = ""
    with pytest.raises(SmsError, match="not configured") as caught:
        send_sms(PHONE, "P1")
    assert not caught.value.retryable


def test_fail_silently_logs_the_reason_with_two_digits_of_the_number(mobizon, caplog):
    mobizon.status = 503
    with caplog.at_level(logging.INFO, logger="qorgau.core.sms"):
        assert send_sms(PHONE, "Срочно: P1", fail_silently=True) == ""
    assert "HTTP 503" in caplog.text and "***67" in caplog.text
    assert PHONE not in caplog.text and DIGITS not in caplog.text and KEY not in caplog.text


def test_a_sent_message_is_logged_without_the_number_or_the_text(mobizon, caplog):
    with caplog.at_level(logging.INFO, logger="qorgau.core.sms"):
        send_sms(PHONE, "Срочно: P1")
    assert "***67" in caplog.text and "12345" in caplog.text
    assert DIGITS not in caplog.text and "Срочно" not in caplog.text


@pytest.mark.parametrize("to", ["87011234567", "77011234567", "+7 701 123 45 67", ""])
def test_a_number_not_in_international_form_is_refused_before_sending(mobizon, to):
    with pytest.raises(SmsError, match=r"E\.164") as caught:
        send_sms(to, "P1")
    assert not caught.value.retryable
    assert mobizon.requests == []


def test_an_empty_text_is_refused(mobizon):
    with pytest.raises(SmsError, match="empty"):
        send_sms(PHONE, "  ")


def test_a_message_shows_neither_its_number_nor_its_text():
    shown = repr(SmsMessage(PHONE, "Срочно: P1"))
    assert "***67" in shown and DIGITS not in shown and "Срочно" not in shown


# The local backends


def test_the_console_backend_prints_the_message(settings, capsys):
    settings.QORGAU_SMS_BACKEND = "qorgau.core.sms.backends.console.SmsBackend"
    message_id = send_sms(PHONE, "P1 R-7K3QX")
    out = capsys.readouterr().out
    assert message_id.startswith("local-") and message_id in out
    assert PHONE in out and "P1 R-7K3QX" in out


def test_the_console_backend_writes_to_the_stream_it_is_given():
    stream = io.StringIO()
    get_backend("qorgau.core.sms.backends.console.SmsBackend", stream=stream).send(
        SmsMessage(PHONE, "P1 R-7K3QX")
    )
    assert "P1 R-7K3QX" in stream.getvalue()


def test_the_file_backend_writes_one_file_per_message(settings, tmp_path):
    settings.QORGAU_SMS_BACKEND = "qorgau.core.sms.backends.file.SmsBackend"
    settings.QORGAU_SMS_FILE_PATH = str(tmp_path / "sms")
    first = send_sms(PHONE, "P1 R-7K3QX")
    second = send_sms("+77771234567", "P1 R-9ZZZZ")
    files = sorted((tmp_path / "sms").iterdir())
    assert len(files) == 2
    texts = {f.name: f.read_text(encoding="utf-8") for f in files}
    [one] = [t for name, t in texts.items() if first in name]
    [two] = [t for name, t in texts.items() if second in name]
    assert PHONE in one and "P1 R-7K3QX" in one
    assert "+77771234567" in two and "P1 R-9ZZZZ" in two


def test_the_file_backend_refuses_a_path_that_is_a_file(settings, tmp_path):
    from django.core.exceptions import ImproperlyConfigured

    (tmp_path / "sms").write_text("")
    with pytest.raises(ImproperlyConfigured, match="not a directory"):
        get_backend("qorgau.core.sms.backends.file.SmsBackend", file_path=tmp_path / "sms")


def test_the_test_settings_keep_messages_in_the_outbox():
    message_id = send_sms(PHONE, "P1 R-7K3QX")
    assert message_id == "locmem-1"
    assert [(m.to, m.text) for m in sms.outbox] == [(PHONE, "P1 R-7K3QX")]


# Settings and the deploy check


def test_production_sends_through_mobizon_and_development_prints():
    code = "from django.conf import settings; print(settings.QORGAU_SMS_BACKEND)"
    env = {
        "SECRET_KEY": "x" * 50,
        "QORGAU_MASTER_KEY": "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=",
        "QORGAU_LOOKUP_KEY": "BAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQ=",
    }

    def unset(name: str) -> bool:
        return name.startswith("QORGAU_SMS_")

    production = run_settings(code, {**env, "DEBUG": "false"}, drop=unset)
    development = run_settings(code, {**env, "DEBUG": "true"}, drop=unset)
    assert production.stdout.strip() == MOBIZON, production.stderr
    assert development.stdout.strip() == "qorgau.core.sms.backends.console.SmsBackend"


def test_a_malformed_timeout_stops_start_up(monkeypatch):
    monkeypatch.setenv("QORGAU_SMS_TIMEOUT", "ten")
    with pytest.raises(ConfigurationError, match="QORGAU_SMS_TIMEOUT"):
        env_float("QORGAU_SMS_TIMEOUT", 10)
    monkeypatch.setenv("QORGAU_SMS_TIMEOUT", "0")
    with pytest.raises(ConfigurationError, match="greater than 0"):
        env_float("QORGAU_SMS_TIMEOUT", 10)
    monkeypatch.setenv("QORGAU_SMS_TIMEOUT", "2.5")
    assert env_float("QORGAU_SMS_TIMEOUT", 10) == 2.5


def ids(settings) -> list[str]:
    return [message.id for message in sms_gateway_configured()]


def test_deploy_check_fails_without_the_gateways_url_and_key(settings):
    settings.QORGAU_SMS_BACKEND = MOBIZON
    settings.QORGAU_SMS_URL = ""
    settings.QORGAU_SMS_API_KEY = ""
    [error] = sms_gateway_configured()
    assert error.id == "qorgau.E021"
    assert "QORGAU_SMS_URL and QORGAU_SMS_API_KEY are not set" in error.msg


def test_deploy_check_passes_a_configured_gateway(settings):
    settings.QORGAU_SMS_BACKEND = MOBIZON
    settings.QORGAU_SMS_URL = "https://api.mobizon.kz"
    settings.QORGAU_SMS_API_KEY = KEY
    assert ids(settings) == []


def test_deploy_check_warns_of_a_gateway_in_clear(settings):
    settings.QORGAU_SMS_BACKEND = MOBIZON
    settings.QORGAU_SMS_URL = "http://api.mobizon.kz"
    settings.QORGAU_SMS_API_KEY = KEY
    assert ids(settings) == ["qorgau.W021"]


def test_deploy_check_warns_of_a_backend_that_reaches_no_phone(settings):
    settings.QORGAU_SMS_BACKEND = "qorgau.core.sms.backends.console.SmsBackend"
    assert ids(settings) == ["qorgau.W020"]


def test_deploy_check_fails_on_a_backend_that_does_not_exist(settings):
    settings.QORGAU_SMS_BACKEND = "qorgau.core.sms.backends.nowhere.SmsBackend"
    assert ids(settings) == ["qorgau.E020"]
