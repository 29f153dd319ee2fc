"""Who may work on requests to platforms: the region's analysts and chief act; the central office
and the prosecutor holding a case of the report read; everyone else sees nothing. A refused action
writes nothing but its audit entry; another region's request answers 404."""

import pytest

from qorgau.core.errors import NotFound, PermissionRefused
from qorgau.core.models import AuditEntry
from qorgau.core.permissions import may
from qorgau.intake import services as intake
from qorgau.linking.selectors import subject_for_owner
from qorgau.takedown import policies, selectors, services
from qorgau.takedown.models import TakedownEvent, TakedownRequest
from qorgau.takedown.services import RequestInput
from tests.takedown.conftest import TARGETS, draft, submit

pytestmark = pytest.mark.django_db


def refusals():
    return list(
        AuditEntry.objects.filter(action="refused").values_list("details__policy", flat=True)
    )


def test_the_regions_analyst_and_chief_draft_a_request_from_a_report(analyst, chief, report):
    first = draft(analyst, report)
    second = draft(chief, report, kind="removal")
    assert first.region == report.region and first.created_by == analyst
    assert second.status == "drafted"
    assert AuditEntry.objects.filter(action="takedown.create").count() == 2


@pytest.mark.parametrize(
    "persona", ["central", "prosecutor", "clinician", "police", "educator", "partner", "admin"]
)
def test_other_roles_are_refused_a_draft_and_it_writes_nothing_but_the_refusal(
    personas, report, persona
):
    with pytest.raises(PermissionRefused):
        draft(personas[persona], report)
    assert not TakedownRequest.objects.exists() and not TakedownEvent.objects.exists()
    assert refusals() == ["takedown.request_from_report"]


def test_an_analyst_of_another_region_is_told_the_report_does_not_exist(outsider, report):
    with pytest.raises(NotFound):
        draft(outsider, report)
    assert not TakedownRequest.objects.exists()
    entry = AuditEntry.objects.get(action="refused")
    assert entry.details == {"policy": "takedown.request_from_report", "reason": "scope"}


def test_another_regions_request_is_not_found_and_not_acted_on(outsider, analyst, report):
    request = draft(analyst, report)
    with pytest.raises(NotFound):
        selectors.takedown_get_for_user(user=outsider, public_id=request.public_id)
    with pytest.raises(NotFound):
        services.takedown_send(acting_user=outsider, request=request)
    with pytest.raises(NotFound):
        services.takedown_hashes_export(acting_user=outsider, request=request)
    request.refresh_from_db()
    assert request.status == "drafted" and request.sent_at is None
    assert refusals() == ["takedown.send", "takedown.export_hashes"]


def test_the_central_office_reads_every_region_but_does_not_act(central, analyst, report):
    request = draft(analyst, report)
    assert selectors.takedown_get_for_user(user=central, public_id=request.public_id) == request
    assert list(selectors.takedown_list_for_user(user=central)) == [request]
    with pytest.raises(PermissionRefused):
        services.takedown_send(acting_user=central, request=request)
    assert TakedownRequest.objects.get().status == "drafted"
    assert may(central, policies.EXPORT_HASHES, request)


def test_a_prosecutor_without_a_case_of_the_report_sees_nothing_of_it(prosecutor, analyst, report):
    request = draft(analyst, report)
    with pytest.raises(NotFound):
        selectors.takedown_get_for_user(user=prosecutor, public_id=request.public_id)
    with pytest.raises(NotFound):
        services.takedown_hashes_export(acting_user=prosecutor, request=request)


def test_a_prosecutor_with_the_case_sees_and_exports_but_does_not_send(
    prosecutor, analyst, report, held_case
):
    request = draft(analyst, report)
    assert selectors.takedown_get_for_user(user=prosecutor, public_id=request.public_id) == request
    assert services.takedown_hashes_export(acting_user=prosecutor, request=request) == []
    with pytest.raises(PermissionRefused):
        services.takedown_send(acting_user=prosecutor, request=request)
    with pytest.raises(PermissionRefused):  # the list is the region's: a prosecutor's are on cases
        selectors.takedown_list_for_user(user=prosecutor)


def test_a_request_from_a_subject_needs_a_report_of_the_analysts_region(analyst, outsider, report):
    linked = submit(identifiers=[intake.Identifier(kind="telegram", value="@synthetic_subject")])
    subject = subject_for_owner(owner_type="intake.report", owner_id=linked.pk)
    assert subject is not None
    data = RequestInput(platform="telegram", kind="removal", targets=TARGETS)
    made = services.takedown_from_subject(acting_user=analyst, subject=subject, data=data)
    assert made.subject == subject and made.region == analyst.region and made.report is None
    with pytest.raises(NotFound):  # the subject has no report of Astana
        services.takedown_from_subject(acting_user=outsider, subject=subject, data=data)
    assert TakedownRequest.objects.count() == 1
    assert refusals() == ["takedown.request_from_subject"]
