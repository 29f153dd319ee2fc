import pytest
from django.core.management import CommandError, call_command

from qorgau.core.models import AuditEntry, User

pytestmark = pytest.mark.django_db


def test_the_operator_makes_the_first_security_officer(reference_data, capsys):
    call_command("create_staff_user", "security", "--role", "security_officer")
    user = User.objects.get(username="security")
    assert user.is_active and user.role == "security_officer" and not user.is_superuser
    assert not user.has_usable_password()
    entry = AuditEntry.objects.get(action="user.create")
    assert entry.actor is None  # the system
    assert "changepassword security" in capsys.readouterr().out


def test_a_regional_role_needs_a_known_region(reference_data):
    with pytest.raises(CommandError, match="region"):
        call_command("create_staff_user", "a", "--role", "analyst")
    with pytest.raises(CommandError, match="KZ-00"):
        call_command("create_staff_user", "a", "--role", "analyst", "--region", "KZ-00")
    assert not User.objects.filter(username="a").exists()


def test_a_staff_member_made_on_the_command_line_gets_a_mobile_for_sms_or_a_clear_refusal(
    reference_data,
):
    call_command(
        "create_staff_user", "desk.one", "--role", "central_office", "--mobile", "8 701 234 56 78"
    )
    assert User.objects.get(username="desk.one").mobile == "+77012345678"
    with pytest.raises(CommandError, match="mobile number"):
        call_command(
            "create_staff_user", "desk.two", "--role", "central_office", "--mobile", "8 727 2500000"
        )
    assert not User.objects.filter(username="desk.two").exists()
