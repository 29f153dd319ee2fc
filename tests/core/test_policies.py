"""require() and may(): who may act, on which objects; refusals write nothing but the audit entry."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from qorgau.core.errors import NotFound, PermissionRefused
from qorgau.core.models import AuditEntry
from qorgau.core.permissions import may, policy_named, require
from tests.testapp import services
from tests.testapp.models import Dossier

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(almaty, prosecutor):
    return Dossier.objects.create(region=almaty, owner=prosecutor, title="before")


def _title(dossier):
    return Dossier.objects.get(pk=dossier.pk).title


def test_it_lets_a_role_of_the_policy_act_on_its_region(analyst, dossier):
    services.dossier_rename(acting_user=analyst, dossier=dossier, title="after")
    assert _title(dossier) == "after"


def test_it_refuses_a_role_the_policy_does_not_name_and_writes_only_the_audit_entry(
    central, dossier
):
    before = AuditEntry.objects.count()
    with pytest.raises(PermissionRefused) as refused:
        services.dossier_rename(acting_user=central, dossier=dossier, title="after")
    assert str(refused.value) == "Only the region's staff edit a dossier."
    assert refused.value.status == 403
    assert _title(dossier) == "before"
    entries = list(AuditEntry.objects.order_by("seq")[before:])
    assert [(e.action, e.details) for e in entries] == [
        ("refused", {"policy": "testapp.edit_dossier", "reason": "role"})
    ]
    assert entries[0].actor == central
    assert entries[0].object_id == str(dossier.pk)


def test_it_answers_another_regions_object_as_not_found(outsider, dossier):
    with pytest.raises(NotFound) as refused:
        services.dossier_rename(acting_user=outsider, dossier=dossier, title="after")
    assert refused.value.status == 404
    assert _title(dossier) == "before"
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "refused"
    assert entry.details == {"policy": "testapp.edit_dossier", "reason": "scope"}


def test_it_limits_an_own_scope_to_the_objects_the_user_owns(prosecutor, almaty, dossier):
    services.dossier_rename(acting_user=prosecutor, dossier=dossier, title="mine")
    other = Dossier.objects.create(region=almaty, title="not mine")
    with pytest.raises(NotFound):
        services.dossier_rename(acting_user=prosecutor, dossier=other, title="taken")
    assert _title(other) == "not mine"


def test_a_refusal_inside_a_nested_service_rolls_back_what_the_outer_one_wrote(central, dossier):
    with pytest.raises(PermissionRefused):
        services.dossier_rename_twice(acting_user=central, dossier=dossier, title="after")
    assert _title(dossier) == "before"
    assert AuditEntry.objects.filter(action="refused").count() == 1


def test_inactive_and_anonymous_users_are_refused(analyst, dossier):
    from django.contrib.auth.models import AnonymousUser

    analyst.is_active = False
    assert not may(analyst, services.EDIT_DOSSIER, dossier)
    assert not may(AnonymousUser(), services.EDIT_DOSSIER, dossier)
    with pytest.raises(PermissionRefused):
        require(AnonymousUser(), services.EDIT_DOSSIER, dossier)


def test_the_system_may_act_unless_the_policy_says_otherwise(dossier):
    assert may(None, services.EDIT_DOSSIER, dossier)
    assert not may(None, services.CREATE_DOSSIER)


def test_a_visible_scope_follows_the_models_visibility(central, analyst, outsider, dossier):
    assert may(central, services.READ_DOSSIER, dossier)
    assert may(analyst, services.READ_DOSSIER, dossier)
    assert not may(outsider, services.READ_DOSSIER, dossier)


def test_may_without_an_object_asks_only_the_role(analyst, central):
    assert may(analyst, "testapp.edit_dossier")
    assert not may(central, "testapp.edit_dossier")


def test_a_region_can_be_the_object_of_a_policy(analyst, almaty, astana):
    assert may(analyst, services.EDIT_DOSSIER, almaty)
    assert not may(analyst, services.EDIT_DOSSIER, astana)


def test_two_policies_cannot_share_a_name():
    from qorgau.core.permissions import Policy

    with pytest.raises(ValueError, match=r"testapp\.edit_dossier"):
        Policy("testapp.edit_dossier", {"analyst"})
    assert policy_named("testapp.edit_dossier") is services.EDIT_DOSSIER


def test_a_template_asks_may_for_the_signed_in_user(analyst, central, dossier):
    template = Template(
        '{% load qorgau_policies %}{% may "testapp.edit_dossier" dossier as ok %}'
        "{% if ok %}button{% else %}none{% endif %}"
    )
    for user, expected in [(analyst, "button"), (central, "none")]:
        request = RequestFactory().get("/")
        request.user = user
        assert template.render(Context({"request": request, "dossier": dossier})) == expected
    # No user in the context is nobody, never the system.
    assert template.render(Context({"dossier": dossier})) == "none"


def test_a_service_that_writes_no_audit_entry_fails_in_the_test_suite(dossier):
    with pytest.raises(AssertionError, match="dossier_forget_audit wrote no audit entry"):
        services.dossier_forget_audit(dossier=dossier)
