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
    response = admin_sets(
        client, admin_user, admin_user, role=Role.CENTRAL_OFFICE, access_reason="Synthetic."
    )
    assert response.redirect_chain, response.context["adminform"].form.errors
    assert any("waits for approval" in m for m in told(response))

    admin_user.refresh_from_db()
    assert admin_user.role == Role.ADMIN  # nothing changed yet
    from qorgau.core.models import AccessChange

    request = AccessChange.objects.get(user=admin_user)
    assert request.status == "pending" and request.requested_by == admin_user
    assert request.reason == "Synthetic."
    assert (request.old_role, request.new_role) == (Role.ADMIN, Role.CENTRAL_OFFICE)
    entry = AuditEntry.objects.get(action="access.request")
    assert entry.actor == admin_user and entry.object_id == str(request.pk)
    assert entry.details["old"]["role"] == "admin"
    assert entry.details["new"]["role"] == "central_office"
    assert entry.details["user_id"] == admin_user.pk
    # the admin still reads no report
    assert client.get(reverse("intake:staff_list")).status_code == 403


@pytest.fixture
def security(security_officer):
    return security_officer


@pytest.fixture
def second_admin(reference_data):
    return UserFactory(username="admin2", role=Role.ADMIN, region=None, gender="")


def pending_for(user: User):
    from qorgau.core.models import AccessChange

    return AccessChange.objects.pending().get(user=user)


def decide(client, who: User, change, action: str = "approve", **kwargs):
    client.force_login(who)
    return client.post(reverse(f"core:access_change_{action}", args=[change.public_id]), **kwargs)


@pytest.mark.parametrize("approver", ["security", "second_admin"])
def test_a_second_person_approves_and_the_change_is_applied(client, admin_user, approver, request):
    approver = request.getfixturevalue(approver)
    admin_sets(client, admin_user, admin_user, role=Role.CENTRAL_OFFICE)
    change = pending_for(admin_user)

    client.force_login(approver)
    page = client.get(reverse("core:access_changes"))
    assert page.status_code == 200 and change.public_id in page.content.decode()
    response = decide(client, approver, change, follow=True)

    assert response.status_code == 200
    admin_user.refresh_from_db()
    assert admin_user.role == Role.CENTRAL_OFFICE
    change.refresh_from_db()
    assert change.status == "approved" and change.decided_by == approver
    entry = AuditEntry.objects.get(action="access.approve")
    assert entry.actor == approver
    assert entry.details["old"]["role"] == "admin"
    assert entry.details["new"]["role"] == "central_office"


def test_the_requester_cannot_approve_its_own_request(client, admin_user):
    admin_sets(client, admin_user, admin_user, role=Role.CENTRAL_OFFICE)
    change = pending_for(admin_user)
    last = AuditEntry.objects.order_by("-seq").first().seq

    response = client.post(reverse("core:access_change_approve", args=[change.public_id]))

    assert response.status_code == 403
    admin_user.refresh_from_db()
    change.refresh_from_db()
    assert admin_user.role == Role.ADMIN and change.status == "pending"
    added = list(AuditEntry.objects.filter(seq__gt=last))
    assert [e.action for e in added] == ["refused"]
    assert added[0].details == {"policy": "core.decide_access_change", "reason": "party"}
    # nor reject it to clear the way for another try: the same refusal
    assert decide(client, admin_user, change, "reject").status_code == 403


def test_an_admin_cannot_approve_a_change_of_its_own_access_asked_by_another(
    client, admin_user, second_admin, security
):
    # admin2 asks to make the first admin central office; the first admin may not approve it
    admin_sets(client, second_admin, admin_user, role=Role.CENTRAL_OFFICE)
    change = pending_for(admin_user)
    assert decide(client, admin_user, change).status_code == 403
    admin_user.refresh_from_db()
    assert admin_user.role == Role.ADMIN
    # the security officer may
    decide(client, security, change)
    admin_user.refresh_from_db()
    assert admin_user.role == Role.CENTRAL_OFFICE


def test_an_approval_of_stale_values_is_a_conflict(client, admin_user, security, analyst, astana):
    admin_sets(client, admin_user, analyst, region=astana.pk)
    change = pending_for(analyst)
    # meanwhile the account changed (here: its role, by the operator on the shell)
    User.objects.filter(pk=analyst.pk).update(role=Role.EDUCATION_COORDINATOR)

    response = decide(client, security, change)

    assert response.status_code == 409
    assert "changed since" in response.content.decode()
    analyst.refresh_from_db()
    change.refresh_from_db()
    assert analyst.region.code == "KZ-75" and change.status == "pending"
    assert not AuditEntry.objects.filter(action="access.approve").exists()


def test_the_security_officer_reads_no_report_case_or_register(client, security, analyst):
    from qorgau.intake import services as intake
    from qorgau.intake.enums import Source

    report = intake.report_submit(
        draft=intake.ReportDraft(
            category="grooming", narrative="Synthetic: he writes to her.", region_code="KZ-75"
        ),
        submitter=intake.Submitter(source=Source.WEB),
    ).report
    client.force_login(security)
    for name in ("intake:staff_list", "cases:list", "offenders:list", "analytics:dashboard"):
        assert client.get(reverse(name)).status_code == 403, name
    detail = client.get(reverse("intake:staff_detail", args=[report.public_id]))
    assert detail.status_code in (403, 404)
    # and it does not open the administration
    assert client.get(reverse("admin:index")).status_code == 302


def test_no_other_role_sees_the_access_requests(client, analyst):
    client.force_login(analyst)
    assert client.get(reverse("core:access_changes")).status_code == 403


def test_a_new_account_is_switched_off_until_approved(client, admin_user, security, almaty):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:core_user_add"),
        {
            "username": "new.chief",
            "full_name": "New Chief",
            "email": "",
            "role": Role.REGIONAL_CHIEF,
            "region": almaty.pk,
            "gender": "m",
            "language": "en",
            "usable_password": "true",
            "password1": "a long synthetic passphrase 42",
            "password2": "a long synthetic passphrase 42",
        },
        follow=True,
    )
    assert response.redirect_chain, response.context["adminform"].form.errors
    user = User.objects.get(username="new.chief")
    assert not user.is_active
    change = pending_for(user)
    assert (change.old_is_active, change.new_is_active) == (False, True)
    assert not client.login(username="new.chief", password="a long synthetic passphrase 42")

    decide(client, security, change)
    user.refresh_from_db()
    assert user.is_active and user.role == Role.REGIONAL_CHIEF


def test_switching_an_account_off_is_never_delayed(client, admin_user, analyst):
    response = admin_sets(client, admin_user, analyst, is_active=False)
    assert response.redirect_chain
    analyst.refresh_from_db()
    assert not analyst.is_active
    entry = AuditEntry.objects.get(action="admin.change")
    assert entry.details["old"] == {"is_active": True}
    assert entry.details["new"] == {"is_active": False}
    from qorgau.core.models import AccessChange

    assert not AccessChange.objects.exists()
    # switching it back on waits
    admin_sets(client, admin_user, analyst, is_active="on")
    analyst.refresh_from_db()
    assert not analyst.is_active and pending_for(analyst).new_is_active


def test_a_clinicians_facilities_wait_for_approval(client, admin_user, security, clinician, almaty):
    from qorgau.offenders.models import Facility

    facility = Facility.objects.create(name="Synthetic Facility", region=almaty)
    admin_sets(client, admin_user, clinician, facilities=[facility.pk])
    assert not facility.clinicians.exists()
    change = pending_for(clinician)
    assert (change.old_facilities, change.new_facilities) == ([], [facility.pk])

    decide(client, security, change)
    assert list(facility.clinicians.all()) == [clinician]
    entry = AuditEntry.objects.get(action="access.approve")
    assert entry.details["new"]["facility_ids"] == [facility.pk]


def test_one_change_of_an_account_waits_at_a_time(client, admin_user, analyst, astana):
    admin_sets(client, admin_user, analyst, region=astana.pk)
    response = admin_sets(client, admin_user, analyst, role=Role.REGIONAL_CHIEF, gender="m")
    assert any("already waiting" in m for m in told(response))
    analyst.refresh_from_db()
    assert analyst.role == Role.ANALYST and pending_for(analyst).new_region == astana


def test_the_one_who_asked_withdraws_a_change(client, admin_user, second_admin, analyst, astana):
    admin_sets(client, admin_user, analyst, region=astana.pk)
    change = pending_for(analyst)
    assert decide(client, second_admin, change, "cancel").status_code == 404
    assert decide(client, admin_user, change, "cancel").status_code == 302
    change.refresh_from_db()
    assert change.status == "cancelled"
    analyst.refresh_from_db()
    assert analyst.region.code == "KZ-75"


def test_an_admin_cannot_take_over_a_second_persons_sign_in(
    client, admin_user, second_admin, security, analyst
):
    """Resetting the security officer's (or another admin's) password and removing their
    authenticator would let an admin sign in as the second person and approve its own request."""
    from tests.conftest import totp_device_for

    client.force_login(admin_user)
    for target in (second_admin, security):
        url = reverse("admin:auth_user_password_change", args=[target.pk])
        assert client.get(url).status_code == 403
        device = totp_device_for(target)
        delete = reverse("admin:core_stafftotpdevice_delete", args=[device.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
        assert type(device).objects.filter(pk=device.pk).exists()
    assert AuditEntry.objects.filter(action="refused", details__reason="guards_access").exists()
    # an analyst's lost phone and forgotten password are still the admin's to handle
    client.force_login(admin_user)
    url = reverse("admin:auth_user_password_change", args=[analyst.pk])
    assert client.get(url).status_code == 200


def test_only_clinicians_are_asked_into_facilities(client, admin_user, analyst, almaty):
    from qorgau.core import services
    from qorgau.core.errors import InvalidInput
    from qorgau.offenders.models import Facility

    facility = Facility.objects.create(name="Synthetic Facility", region=almaty)
    with pytest.raises(InvalidInput, match="clinicians"):
        services.access_change_request(
            acting_user=admin_user,
            user=analyst,
            role=analyst.role,
            region=analyst.region,
            is_active=True,
            facility_ids=[facility.pk],
        )


def test_a_superuser_does_not_add_clinicians_to_a_facility_directly(client, clinician, almaty):
    from qorgau.offenders.models import Facility

    root = UserFactory(username="root", role=Role.ADMIN, region=None, is_superuser=True)
    facility = Facility.objects.create(name="Synthetic Facility", region=almaty)
    client.force_login(root)
    url = reverse("admin:offenders_facility_change", args=[facility.pk])
    response = client.post(
        url, {"name": facility.name, "region": almaty.pk, "clinicians": [clinician.pk]}
    )
    assert response.status_code == 302
    assert not facility.clinicians.exists()


def organisation_form_data(client, organisation, members: list[tuple[int | None, int | str]]):
    """What the admin's change form of a partner organisation posts, with these member rows
    ((membership id or None, user id or "" for an empty row))."""
    prefix = "members"
    data = {
        "name": organisation.name,
        "kind": organisation.kind,
        "contact_email": "",
        "is_active": "on",
        f"{prefix}-TOTAL_FORMS": str(len(members)),
        f"{prefix}-INITIAL_FORMS": str(sum(1 for pk, _u in members if pk)),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, (pk, user_id) in enumerate(members):
        data[f"{prefix}-{i}-id"] = pk or ""
        data[f"{prefix}-{i}-organisation"] = organisation.pk
        data[f"{prefix}-{i}-user"] = user_id
    return data


def test_a_partner_organisation_membership_waits_for_a_second_person(
    client, admin_user, second_admin, partner
):
    """A partner user sees the referrals sent to their organisation: adding someone to one (or
    oneself) in /admin/ is a change of access like a role, decided by a second person."""
    from qorgau.prevention.models import PartnerMember, PartnerOrganisation

    organisation = PartnerOrganisation.objects.create(name="Synthetic Movement", kind="ngo")
    url = reverse("admin:prevention_partnerorganisation_change", args=[organisation.pk])
    client.force_login(admin_user)
    # the admin itself: not a partner user, so never a member
    client.post(url, organisation_form_data(client, organisation, [(None, admin_user.pk)]))
    assert not PartnerMember.objects.exists()
    # another (partner) user, in the organisation's inline
    response = client.post(
        url, organisation_form_data(client, organisation, [(None, partner.pk)]), follow=True
    )
    assert response.redirect_chain, response.context["inline_admin_formsets"]
    assert not PartnerMember.objects.exists()
    assert any("waits for approval" in m for m in told(response))
    change = pending_for(partner)
    assert change.requested_by == admin_user
    assert (change.old_partner_organisations, change.new_partner_organisations) == (
        [],
        [organisation.pk],
    )
    entry = AuditEntry.objects.get(action="access.request")
    assert entry.details["new"]["partner_organisation_ids"] == [organisation.pk]

    # the /staff/access/ page shows it with its before and after
    client.force_login(second_admin)
    assert "Synthetic Movement" in client.get(reverse("core:access_changes")).content.decode()

    # the one who asked cannot approve it: 403, nothing written
    client.force_login(admin_user)
    last = AuditEntry.objects.order_by("-seq").first().seq
    approve = reverse("core:access_change_approve", args=[change.public_id])
    assert client.post(approve).status_code == 403
    assert not PartnerMember.objects.exists()
    assert [e.action for e in AuditEntry.objects.filter(seq__gt=last)] == ["refused"]

    # a second person's approval applies it
    decide(client, second_admin, change)
    assert PartnerMember.objects.get().user == partner
    assert PartnerMember.objects.get().organisation == organisation
    entry = AuditEntry.objects.get(action="access.approve")
    assert entry.details["old"]["partner_organisation_ids"] == []
    assert entry.details["new"]["partner_organisation_ids"] == [organisation.pk]


def test_the_partner_member_admin_asks_too(client, admin_user, security, partner):
    from qorgau.prevention.models import PartnerMember, PartnerOrganisation

    first = PartnerOrganisation.objects.create(name="Synthetic One", kind="ngo")
    second = PartnerOrganisation.objects.create(name="Synthetic Two", kind="ngo")
    client.force_login(admin_user)
    add = reverse("admin:prevention_partnermember_add")
    response = client.post(add, {"user": partner.pk, "organisation": first.pk}, follow=True)
    assert any("waits for approval" in m for m in told(response))
    assert not PartnerMember.objects.exists()
    decide(client, security, pending_for(partner))
    member = PartnerMember.objects.get()
    assert member.organisation == first

    # moving them to another organisation waits as well; a stale approval is a conflict
    client.force_login(admin_user)
    change_url = reverse("admin:prevention_partnermember_change", args=[member.pk])
    client.post(change_url, {"user": partner.pk, "organisation": second.pk})
    member.refresh_from_db()
    assert member.organisation == first
    change = pending_for(partner)
    assert (change.old_partner_organisations, change.new_partner_organisations) == (
        [first.pk],
        [second.pk],
    )
    PartnerMember.objects.filter(pk=member.pk).delete()  # meanwhile, on the shell
    assert decide(client, security, change).status_code == 409
    assert not PartnerMember.objects.exists()


def test_only_partner_users_are_asked_into_a_partner_organisation(admin_user, analyst):
    from qorgau.core import services
    from qorgau.core.errors import InvalidInput
    from qorgau.prevention.models import PartnerOrganisation

    organisation = PartnerOrganisation.objects.create(name="Synthetic Movement", kind="ngo")
    with pytest.raises(InvalidInput, match="partner role"):
        services.access_change_request(
            acting_user=admin_user,
            user=analyst,
            role=analyst.role,
            region=analyst.region,
            is_active=True,
            partner_organisation_ids=[organisation.pk],
        )


def test_removing_a_partner_member_applies_at_once_and_is_audited(
    client, admin_user, security, partner
):
    """Ending a membership lowers access (like switching an account off): never delayed; a change
    asked for before it then no longer matches the account and its approval is a conflict."""
    from qorgau.prevention import services as prevention
    from qorgau.prevention.models import PartnerMember, PartnerOrganisation

    organisation = PartnerOrganisation.objects.create(name="Synthetic Movement", kind="ngo")
    other = PartnerOrganisation.objects.create(name="Synthetic Other", kind="ngo")
    member = prevention.partner_member_set(
        acting_user=None, user=partner, organisation=organisation
    )
    change = prevention.partner_member_set(acting_user=admin_user, user=partner, organisation=other)
    assert PartnerMember.objects.get().organisation == organisation  # the admin's link waits

    client.force_login(admin_user)
    url = reverse("admin:prevention_partnerorganisation_change", args=[organisation.pk])
    data = organisation_form_data(client, organisation, [(member.pk, partner.pk)])
    data["members-0-DELETE"] = "on"
    assert client.post(url, data).status_code == 302
    assert not PartnerMember.objects.exists()
    entry = AuditEntry.objects.get(action="admin.delete")
    assert entry.details == {
        "user_id": partner.pk,
        "old": {"partner_organisation_ids": [organisation.pk]},
        "new": {"partner_organisation_ids": []},
    }
    assert decide(client, security, change).status_code == 409
    assert not PartnerMember.objects.exists()
