import pytest
from django.core.management import CommandError, call_command

from qorgau.core.models import AuditEntry
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(reference_data, settings, tmp_path, capsys):
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "files"
    call_command("seed_demo")
    capsys.readouterr()


def test_a_demo_user_signs_in_with_the_printed_code(demo, client, settings, capsys):
    from qorgau.core.models import User

    user = User.objects.get(username="chief")
    user.set_password(PASSWORD)
    user.save()
    settings.DEBUG = True
    call_command("demo_otp", "chief")
    captured = capsys.readouterr()
    code = captured.out.strip()
    assert len(code) == 6 and code.isdigit()
    assert "valid for" in captured.err
    client.post("/staff/login/", {"username": "chief", "password": PASSWORD})
    response = client.post("/staff/login/code/", {"code": code})
    assert response.status_code == 302 and response.url == "/staff/"
    assert client.get("/staff/").status_code == 200
    assert AuditEntry.objects.filter(action="auth.otp_verified", actor=user).exists()


def test_the_demo_logins_tell_how_to_get_a_code(demo, settings):
    assert "make demo-code LOGIN=" in (settings.VAR_DIR / "demo-logins.txt").read_text()


def test_it_refuses_in_production(demo, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only with DEBUG=true"):
        call_command("demo_otp", "chief")


def test_it_refuses_anyone_but_the_demo_users(demo, settings, astana):
    from tests.factories import UserFactory

    UserFactory(username="real.person", region=astana)
    settings.DEBUG = True
    with pytest.raises(CommandError, match="not a demo user"):
        call_command("demo_otp", "real.person")
