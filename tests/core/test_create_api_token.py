import pytest
from django.core.management import CommandError, call_command

from qorgau.core import services
from qorgau.core.models import ApiToken

pytestmark = pytest.mark.django_db


def test_it_prints_a_working_token(analyst, capsys):
    call_command("create_api_token", "analyst", "--days", "30", "--name", "laptop")
    token = capsys.readouterr().out.strip()
    assert token.startswith("qg_")
    assert services.api_token_authenticate(token=token) == analyst
    row = ApiToken.objects.get(user=analyst)
    assert row.name == "laptop" and (row.expires_at - row.created_at).days == 30


def test_an_unknown_user_is_named(reference_data):
    with pytest.raises(CommandError, match="No user called 'nobody'"):
        call_command("create_api_token", "nobody")
