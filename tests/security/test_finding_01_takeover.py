"""Finding 1, the side doors: an administrator must not gain a role that reads reports by taking over
somebody else's sign-in.

- An API token acts as its user: an administrator who could make one for a central-office account
  would read every report with nobody's approval. Only the operator on the server (the system) makes
  a token for another person; an administrator only for itself.
- A password and a new authenticator together are a sign-in: an administrator who could reset both
  would become anyone. Separation of duties: the administrator sets passwords, the security officer
  removes a lost authenticator (and never their own).
"""

import pytest
from django.urls import reverse

from qorgau.core import services
from qorgau.core.errors import PermissionRefused
from qorgau.core.models import ApiToken, AuditEntry, StaffTOTPDevice
from tests.conftest import totp_device_for

pytestmark = pytest.mark.django_db


def test_an_admin_cannot_make_a_token_of_a_central_office_account(admin_user, central):
    with pytest.raises(PermissionRefused):
        services.api_token_create(acting_user=admin_user, user=central)
    assert not ApiToken.objects.exists()
    refused = AuditEntry.objects.get(action="refused")
    assert refused.actor == admin_user
    assert refused.details["policy"] == "core.manage_api_tokens"


def test_an_admin_makes_its_own_token_and_the_operator_anyones(admin_user, central):
    services.api_token_create(acting_user=admin_user, user=admin_user)
    services.api_token_create(acting_user=None, user=central)
    assert set(ApiToken.objects.values_list("user", flat=True)) == {admin_user.pk, central.pk}


def test_an_admin_cannot_remove_anyones_authenticator(client, admin_user, analyst, central):
    client.force_login(admin_user)
    for target in (analyst, central):
        device = totp_device_for(target)
        delete = reverse("admin:core_stafftotpdevice_delete", args=[device.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
        assert StaffTOTPDevice.objects.filter(pk=device.pk).exists()


def test_a_reset_password_alone_does_not_open_a_central_office_account(client, admin_user, central):
    totp_device_for(central)
    client.force_login(admin_user)
    url = reverse("admin:auth_user_password_change", args=[central.pk])
    password = "a new password the admin chose 7!"
    response = client.post(url, {"password1": password, "password2": password})
    assert response.status_code == 302
    client.logout()
    response = client.post("/staff/login/", {"username": central.username, "password": password})
    assert response.status_code == 302 and response.url.startswith("/staff/login/code/")
    # the authenticator is still the person's: no enrolment for whoever holds the password
    assert client.get("/staff/login/authenticator/").status_code in {302, 403, 404}
    assert client.get("/staff/reports/").status_code == 302


def test_the_security_officer_removes_a_lost_authenticator(client, security_officer, analyst):
    totp_device_for(analyst)
    services.recovery_codes_replace(user=analyst)
    client.force_login(security_officer)
    page = client.get("/staff/people/").content.decode()
    url = reverse("core:person_second_factor_reset", args=[analyst.pk])
    assert url in page
    response = client.post(url)
    assert response.status_code == 302 and response.url == reverse("core:people")
    assert not StaffTOTPDevice.objects.filter(user=analyst).exists()
    entry = AuditEntry.objects.get(action="auth.second_factor_reset")
    assert entry.actor == security_officer and entry.object_id == str(analyst.pk)
    assert entry.details == {"authenticators": 1, "recovery_code_sets": 1}


def test_nobody_removes_their_own_and_no_other_role_removes_any(
    client, security_officer, admin_user, analyst, chief
):
    totp_device_for(security_officer)
    for actor, target in (
        (security_officer, security_officer),
        (admin_user, analyst),
        (chief, analyst),
    ):
        client.force_login(actor)
        before = StaffTOTPDevice.objects.count()
        url = reverse("core:person_second_factor_reset", args=[target.pk])
        assert client.post(url).status_code in {403, 404}
        assert StaffTOTPDevice.objects.count() == before
    assert AuditEntry.objects.filter(action="refused").count() >= 2
    assert not AuditEntry.objects.filter(action="auth.second_factor_reset").exists()
