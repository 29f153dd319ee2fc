from datetime import date, timedelta

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


# --- One view per action --------------------------------------------------------------------------


def _released(inmate, clinician, police, almaty):
    return services.release(
        person=inmate,
        acting_user=clinician,
        released_on=date.today(),
        region=almaty,
        officer=police,
    )


def test_each_action_has_its_own_url_name_under_the_same_path(inmate):
    from django.urls import reverse

    for slug in [
        "examination",
        "risk",
        "treatment",
        "session",
        "treatment_end",
        "release",
        "meeting",
        "violation",
        "end_supervision",
    ]:
        assert reverse(f"offenders:person_{slug}", args=[inmate.public_id]) == (
            f"/staff/offenders/{inmate.public_id}/do/{slug}/"
        )


def test_the_page_offers_each_role_only_its_actions(client, inmate, clinician, chief):
    client.force_login(clinician)
    page = client.get(f"/staff/offenders/{inmate.public_id}/").content.decode()
    assert "/do/examination/" in page and "/do/release/" in page
    client.force_login(chief)
    page = client.get(f"/staff/offenders/{inmate.public_id}/").content.decode()
    assert "/do/examination/" not in page and "/do/release/" in page


def test_an_examination_recorded_twice_is_refused_on_the_page(client, inmate, clinician):
    from qorgau.offenders.models import Examination

    client.force_login(clinician)
    url = f"/staff/offenders/{inmate.public_id}/do/examination/"
    post = {"done_on": date.today().isoformat(), "findings": "Synthetic findings"}
    assert client.post(url, post).status_code == 302
    assert Examination.objects.get().done_on == date.today()
    assert client.post(url, post).status_code == 400  # none is due any more


def test_the_chief_records_a_meeting_and_the_central_office_is_refused(
    client, inmate, clinician, police, chief, central, almaty
):
    from qorgau.core.models import AuditEntry

    plan = _released(inmate, clinician, police, almaty)
    meeting = plan.meetings.first()
    url = f"/staff/offenders/{inmate.public_id}/do/meeting/"
    client.force_login(central)
    assert client.post(url, {"meeting": meeting.pk, "status": "attended"}).status_code == 403
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "refused" and entry.details["policy"] == "offenders.record_meeting"
    client.force_login(chief)
    response = client.post(url, {"meeting": meeting.pk, "status": "attended"}, follow=True)
    assert plan.meetings.get(pk=meeting.pk).status == "attended"
    # a second record is refused, and said so on the page
    response = client.post(url, {"meeting": meeting.pk, "status": "missed"}, follow=True)
    assert "cannot go from" in response.content.decode()
    assert plan.meetings.get(pk=meeting.pk).status == "attended"


def test_a_police_supervisor_ends_the_supervision_once(client, inmate, clinician, police, almaty):
    plan = _released(inmate, clinician, police, almaty)
    client.force_login(police)
    url = f"/staff/offenders/{inmate.public_id}/do/end_supervision/"
    assert client.post(url).status_code == 302
    plan.refresh_from_db()
    assert plan.status == "ended"
    # the person's supervision has ended: the police no longer see them
    assert client.post(url).status_code == 404


def test_the_supervision_calendar_offers_the_record_form_only_to_who_may_record(
    client, inmate, clinician, police, central, almaty
):
    _released(inmate, clinician, police, almaty)
    client.force_login(police)
    assert "/do/meeting/" in client.get("/staff/supervision/").content.decode()
    client.force_login(central)
    page = client.get("/staff/supervision/")
    assert page.status_code == 200 and "/do/meeting/" not in page.content.decode()


def test_a_meeting_recorded_from_the_calendar_stays_on_the_calendar_and_says_what_was_saved(
    client, inmate, clinician, police, almaty
):
    from django.contrib.messages import get_messages
    from django.utils.formats import date_format

    plan = _released(inmate, clinician, police, almaty)
    meeting = plan.meetings.order_by("due_on").first()
    client.force_login(police)
    url = f"/staff/offenders/{inmate.public_id}/do/meeting/"
    response = client.post(
        url,
        {"meeting": meeting.pk, "status": "attended", "notes": "ok", "return_to": "supervision"},
    )
    assert response.status_code == 302 and response["Location"] == "/staff/supervision/"
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said == [
        f"The meeting due on {date_format(meeting.due_on)} "
        "was recorded as attended. Your notes were saved with it."
    ]
    assert plan.meetings.get(pk=meeting.pk).status == "attended"


def test_a_meeting_moved_from_a_calendar_window_returns_to_that_window(
    client, inmate, clinician, police, almaty
):
    from django.contrib.messages import get_messages

    plan = _released(inmate, clinician, police, almaty)
    meeting = plan.meetings.order_by("due_on").first()
    client.force_login(police)
    new = date.today() + timedelta(days=3)
    response = client.post(
        f"/staff/offenders/{inmate.public_id}/do/meeting/",
        {
            "meeting": meeting.pk,
            "status": "rescheduled",
            "reschedule_to": new.isoformat(),
            "return_to": "supervision",
            "due": "today",
        },
    )
    assert response["Location"] == "/staff/supervision/?due=today"
    (said,) = [str(m) for m in get_messages(response.wsgi_request)]
    assert "was moved to" in said and str(new.year) in said
    # a refusal (no new date) also comes back to the calendar, with the reason
    other = plan.meetings.filter(status="due").order_by("due_on").first()
    response = client.post(
        f"/staff/offenders/{inmate.public_id}/do/meeting/",
        {"meeting": other.pk, "status": "rescheduled", "return_to": "supervision"},
    )
    assert response["Location"] == "/staff/supervision/"
    assert plan.meetings.get(pk=other.pk).status == "due"


def test_the_calendar_lists_upcoming_meetings_not_only_those_due(
    client, inmate, clinician, police, almaty, django_assert_max_num_queries
):
    plan = _released(inmate, clinician, police, almaty)
    later = sorted(m.due_on for m in plan.meetings.all() if m.due_on > date.today())
    assert later, "a released person has meetings scheduled ahead"
    client.force_login(police)
    with django_assert_max_num_queries(30):
        page = client.get("/staff/supervision/")
    upcoming = [m.due_on for m in page.context["upcoming"]]
    assert upcoming == [d for d in later if d <= date.today() + timedelta(days=30)]
    assert upcoming and all(d > date.today() for d in upcoming)
    html = page.content.decode()
    # the short date of the page's language (English: day first)
    assert "Upcoming meetings" in html and upcoming[0].strftime("%d/%m/%Y") in html
