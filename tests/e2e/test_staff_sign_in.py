"""Staff sign-in with the second factor, in a real browser."""

import base64
import re

import pytest
from django_otp.oath import TOTP

from qorgau.core.models import AuditEntry
from tests.conftest import PASSWORD
from tests.e2e.conftest import staff_login

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_new_member_of_staff_sets_up_the_authenticator_on_a_phone(page, analyst):
    page.goto(page.base + "/staff/login/?lang=en")
    page.fill("input[name=username]", "analyst")
    page.fill("input[name=password]", PASSWORD)
    page.click("form:has(input[name=password]) button[type=submit]")
    page.wait_for_selector(".qr-code svg")
    secret = page.inner_text(".otp-secret").replace(" ", "")
    code = f"{TOTP(base64.b32decode(secret)).token():06d}"  # what the phone's app shows
    page.fill("input[name=code]", code)
    page.click("form:has(input[name=code]) button[type=submit]")
    page.wait_for_selector(".recovery-codes")
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z0-9]+", c) for c in codes)
    page.click("text=I have kept them: continue")
    page.wait_for_selector("h1:has-text('My work now')")


def test_staff_login_passes_both_steps(page, chief):
    staff_login(page, chief, PASSWORD, next_url="/staff/people/")
    assert page.url.endswith("/staff/people/")
    staff_login(page, "chief", PASSWORD)  # again at once: the next code, not the used one
    assert page.url.endswith("/staff/")
    assert AuditEntry.objects.filter(action="auth.otp_verified", actor=chief).count() == 2
