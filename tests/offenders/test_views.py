from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from qorgau.offenders import services
from qorgau.offenders.models import Person

pytestmark = pytest.mark.django_db


def test_a_clinician_sees_their_inmates_with_coverage(client, inmate, clinician):
    client.force_login(clinician)
    response = client.get("/staff/offenders/")
    assert response.status_code == 200
    assert [p.pk for p in response.context["page"]] == [inmate.pk]
    assert response.context["coverage"][0].overdue == 1
    assert client.get(f"/staff/offenders/{inmate.public_id}/").status_code == 200


def test_a_police_supervisor_records_a_miss_which_reaches_the_chief(
    client, inmate, clinician, police, chief, almaty
):
    from django.core.management import call_command

    from qorgau.core.models import Notification

    plan = services.release(
        person=inmate,
        acting_user=clinician,
        released_on=date.today(),
        region=almaty,
        officer=police,
    )
    client.force_login(police)
    page = client.get("/staff/supervision/")
    meeting = page.context["meetings"][0]
    response = client.post(
        f"/staff/offenders/{inmate.public_id}/do/meeting/",
        {"meeting": meeting.pk, "status": "missed"},
    )
    assert response.status_code == 302
    call_command("tick")
    assert Notification.objects.filter(user=chief, kind="supervision_missed").exists()
    assert plan.meetings.filter(status="missed").count() == 1


def test_the_police_do_not_see_inmates_and_clinicians_do_not_record_meetings(
    client, inmate, police, clinician
):
    client.force_login(police)
    assert client.get(f"/staff/offenders/{inmate.public_id}/").status_code == 404
    client.force_login(clinician)
    assert (
        client.post(
            f"/staff/offenders/{inmate.public_id}/do/meeting/", {"meeting": 1, "status": "missed"}
        ).status_code
        == 403
    )


@pytest.mark.parametrize("persona", ["analyst", "prosecutor", "educator", "partner", "admin"])
def test_other_roles_do_not_open_the_register(client, personas, persona):
    client.force_login(personas[persona])
    assert client.get("/staff/offenders/").status_code == 403


def test_the_import_page_reports_each_bad_row(client, facility, central):
    client.force_login(central)
    bad = "full_name,date_of_birth,facility\nSynthetic,1970-13-01,Nowhere\n"
    response = client.post(
        "/staff/offenders/import/?lang=en", {"file": SimpleUploadedFile("r.csv", bad.encode())}
    )
    assert response.status_code == 400 and "line 2" in response.content.decode()
    assert Person.objects.count() == 0
