import pytest
from django.core.management import call_command

from qorgau.intake import services
from qorgau.intake.models import Platform, PlatformToken

pytestmark = pytest.mark.django_db


def test_it_prints_a_working_token_stored_hashed(capsys):
    call_command("create_platform_token", "Example Messenger")
    token = capsys.readouterr().out.strip()
    assert token.startswith("qp_")
    platform = services.platform_authenticate(token=token)
    assert platform == Platform.objects.get(name="Example Messenger")
    row = PlatformToken.objects.get()
    assert token not in (row.digest, row.prefix)
