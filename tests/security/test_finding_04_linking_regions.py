"""Issue 18, finding 4: an analyst could attach a report to another region's subject and then read it.

The link action took any subject id, and the subject page opens to whoever sees one of its reports:
after linking their own report, an Almaty analyst read an Astana subject's identifiers and regions.
The "similar names" candidates listed subject ids of every region and of the offender register.
Now a subject the user may not open is as if it did not exist (404, nothing written, a refusal in
the audit log), and the candidates are the names of reports the user sees (every kind of record
only for the central office, which sees every subject).
"""

import pytest
from django.urls import reverse

from qorgau.core.errors import NotFound
from qorgau.core.models import AuditEntry
from qorgau.intake import services
from qorgau.intake.enums import Source
from qorgau.linking.enums import OwnerType
from qorgau.linking.models import IdentifierUse, NameEntry
from qorgau.linking.selectors import subject_for_owner

pytestmark = pytest.mark.django_db

REPORT = OwnerType.REPORT.value


def submit(region: str, **overrides):
    values = {
        "category": "grooming",
        "narrative": "Synthetic: he writes to her.",
        "region_code": region,
    }
    values.update(overrides)
    return services.report_submit(
        draft=services.ReportDraft(**values), submitter=services.Submitter(source=Source.WEB)
    ).report


@pytest.fixture
def astana_subject(astana):
    """A subject seen only in Astana, with an identifier an Almaty analyst must never read."""
    report = submit(
        "KZ-71",
        suspect_name="Synthetic Faraway",
        identifiers=[services.Identifier(kind="telegram", value="@astana_only_synthetic")],
    )
    return subject_for_owner(owner_type=REPORT, owner_id=report.pk)


def link(client, report, subject_id):
    return client.post(
        reverse("intake:report_link", args=[report.public_id]),
        {"subject": subject_id, "reason": "Synthetic: same man"},
    )


def test_linking_to_another_regions_subject_answers_404_and_writes_nothing(
    client, analyst, astana_subject
):
    mine = submit("KZ-75", suspect_name="Synthetic Faraway")
    client.force_login(analyst)
    uses, names = IdentifierUse.objects.count(), NameEntry.objects.count()

    response = link(client, mine, astana_subject.public_id)

    assert response.status_code == 404
    assert subject_for_owner(owner_type=REPORT, owner_id=mine.pk) is None
    assert (IdentifierUse.objects.count(), NameEntry.objects.count()) == (uses, names)
    assert not AuditEntry.objects.filter(action="linking.confirm").exists()
    refused = AuditEntry.objects.filter(action="refused", actor=analyst).latest("pk")
    assert refused.details["reason"] == "scope"
    # and so the subject's page, its identifiers and regions stay closed to them
    page = client.get(reverse("intake:staff_subject", args=[astana_subject.public_id]))
    assert page.status_code == 404
    assert b"astana_only_synthetic" not in page.content


def test_an_unknown_subject_number_answers_like_another_regions_subject(analyst, astana_subject):
    mine = submit("KZ-75")
    for number in ("nope", astana_subject.public_id):
        with pytest.raises(NotFound):
            services.report_link_subject(
                report=mine, acting_user=analyst, subject_public_id=number, reason="Synthetic"
            )


def test_an_analyst_still_links_to_a_subject_of_their_region(client, analyst):
    first = submit(
        "KZ-75", identifiers=[services.Identifier(kind="telegram", value="@almaty_synthetic")]
    )
    subject = subject_for_owner(owner_type=REPORT, owner_id=first.pk)
    second = submit("KZ-75", suspect_name="Synthetic Nearby")
    client.force_login(analyst)
    assert link(client, second, subject.public_id).status_code == 302
    assert subject_for_owner(owner_type=REPORT, owner_id=second.pk) == subject


def test_name_candidates_show_only_what_the_analyst_may_see(client, analyst, astana_subject):
    from qorgau.linking.names import skeleton

    neighbour = submit(
        "KZ-75",
        suspect_name="Synthetic Faraway",
        identifiers=[services.Identifier(kind="telegram", value="@neighbour_synthetic")],
    )
    neighbour_subject = subject_for_owner(owner_type=REPORT, owner_id=neighbour.pk)
    # the same name on the offender register and on a case's suspect
    NameEntry.objects.create(
        owner_type=OwnerType.PERSON.value,
        owner_id=999_001,
        skeleton=skeleton("Synthetic Faraway"),
        subject=astana_subject,
    )
    NameEntry.objects.create(
        owner_type=OwnerType.SUSPECT.value, owner_id=999_002, skeleton=skeleton("Synthetic Faraway")
    )
    mine = submit("KZ-75", suspect_name="Synthetic Faraway")
    client.force_login(analyst)

    page = client.get(reverse("intake:staff_detail", args=[mine.public_id])).content.decode()

    assert neighbour_subject.public_id in page  # a report of their region: a candidate to check
    assert astana_subject.public_id not in page
    assert OwnerType.PERSON.value not in page and OwnerType.SUSPECT.value not in page


def test_the_central_office_sees_every_candidate(client, central, astana_subject):
    mine = submit("KZ-75", suspect_name="Synthetic Faraway")
    client.force_login(central)
    page = client.get(reverse("intake:staff_detail", args=[mine.public_id])).content.decode()
    assert astana_subject.public_id in page
