"""Finding 1, a side door: an API token acts as its user, so an administrator who could make one for a
central-office account would read every report with nobody's approval. Only the operator on the
server (the system) makes a token for another person; an administrator only for itself."""

import pytest

from qorgau.core import services
from qorgau.core.errors import PermissionRefused
from qorgau.core.models import ApiToken, AuditEntry

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
