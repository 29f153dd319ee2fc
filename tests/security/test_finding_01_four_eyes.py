"""Issue 18, finding 1: the admin could make itself central office and read every report.

A change of a member of staff's access (role, region, facilities, the administrator's flag,
switching an account back on) takes effect only when a second authorised person approves it: the
security officer of the central office, or another administrator. Nobody approves a change they
asked for, nor a change of their own access; the audit log holds the old and the new values.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from qorgau.core.enums import Role
from qorgau.core.models import AuditEntry, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def change_form_data(client, user: User, **changes) -> dict:
    """What the admin's change form of `user` posts: the values shown, with `changes`."""
    form = client.get(reverse("admin:core_user_change", args=[user.pk])).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form.initial.get(name)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = "" if value is None else value
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def admin_sets(client, actor: User, user: User, **changes):
    client.force_login(actor)
    url = reverse("admin:core_user_change", args=[user.pk])
    return client.post(url, change_form_data(client, user, **changes), follow=True)


def told(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_an_admin_raising_its_own_role_waits_for_a_second_person(client, admin_user):
    response = admin_sets(client, admin_user, admin_user, role=Role.CENTRAL_OFFICE)
    assert response.redirect_chain, response.context["adminform"].form.errors
    assert any("waits for approval" in m for m in told(response))

    admin_user.refresh_from_db()
    assert admin_user.role == Role.ADMIN  # nothing changed yet
    from qorgau.core.models import AccessChange

    request = AccessChange.objects.get(user=admin_user)
    assert request.status == "pending" and request.requested_by == admin_user
    assert (request.old_role, request.new_role) == (Role.ADMIN, Role.CENTRAL_OFFICE)
    entry = AuditEntry.objects.get(action="access.request")
    assert entry.actor == admin_user and entry.object_id == str(request.pk)
    assert entry.details["old"]["role"] == "admin"
    assert entry.details["new"]["role"] == "central_office"
    assert entry.details["user_id"] == admin_user.pk
    # the admin still reads no report
    assert client.get(reverse("intake:staff_list")).status_code == 403
