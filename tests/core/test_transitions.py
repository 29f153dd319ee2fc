"""transition(): allowed moves only, from the status the caller saw, with its audit entry."""

import pytest

from qorgau.core.errors import Conflict, PermissionRefused
from qorgau.core.models import AuditEntry
from qorgau.core.transitions import transition
from tests.testapp import services
from tests.testapp.models import Dossier

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(almaty):
    return Dossier.objects.create(region=almaty, title="d")


def test_it_moves_the_status_and_writes_the_audit_entry(analyst, dossier):
    services.dossier_close(acting_user=analyst, dossier=dossier)
    stored = Dossier.objects.get(pk=dossier.pk)
    assert stored.status == "closed"
    assert stored.status_changed_at is not None
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.details, entry.region_id) == (
        "dossier.status",
        {"from": "open", "to": "closed"},
        dossier.region_id,
    )


def test_it_refuses_a_move_the_table_does_not_allow(analyst, dossier):
    services.dossier_close(acting_user=analyst, dossier=dossier)
    before = AuditEntry.objects.count()
    with pytest.raises(Conflict) as refused:
        services.dossier_close(acting_user=analyst, dossier=dossier)
    assert "closed" in str(refused.value)
    assert refused.value.status == 409
    assert AuditEntry.objects.count() == before


def test_it_is_a_conflict_when_someone_else_moved_it_meanwhile(analyst, dossier):
    stale = Dossier.objects.get(pk=dossier.pk)
    services.dossier_close(acting_user=analyst, dossier=dossier)
    Dossier.objects.filter(pk=dossier.pk).update(status="open")
    Dossier.objects.filter(pk=dossier.pk).update(status="closed")
    stale.status = "open"
    with pytest.raises(Conflict, match="changed this meanwhile"):
        transition(stale, to="closed", table=services.DOSSIER_STATUS, acting_user=analyst)


def test_a_refused_user_moves_nothing(central, dossier):
    with pytest.raises(PermissionRefused):
        services.dossier_close(acting_user=central, dossier=dossier)
    assert Dossier.objects.get(pk=dossier.pk).status == "open"
