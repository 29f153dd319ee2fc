"""`manage.py send_test_sms --to ...` shows an operator whether the gateway takes a message."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from qorgau.core import sms


def test_it_sends_one_message_to_the_number_in_international_form(capsys):
    call_command("send_test_sms", "--to", "8 701 123 45 67")
    [message] = sms.outbox
    assert message.to == "+77011234567"
    assert "test message" in message.text
    out = capsys.readouterr().out
    assert "message id locmem-1" in out and "***67" in out and "7011234567" not in out


def test_a_landline_is_refused_with_how_to_write_a_mobile():
    with pytest.raises(CommandError, match="Enter a mobile number"):
        call_command("send_test_sms", "--to", "+7 727 250 00 00")
    assert sms.outbox == []


def test_a_gateway_that_fails_exits_with_its_reason(settings):
    settings.QORGAU_SMS_BACKEND = "qorgau.core.sms.backends.mobizon.SmsBackend"
    settings.QORGAU_SMS_URL = ""
    with pytest.raises(CommandError, match=r"Not sent .*: the gateway is not configured"):
        call_command("send_test_sms", "--to", "+77011234567")
