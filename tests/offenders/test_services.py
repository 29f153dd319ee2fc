"""The register, examinations, risk, treatment, supervision and the CSV import."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from qorgau.core.models import Notification
from qorgau.offenders import iin, services
from qorgau.offenders.enums import MeetingStatus, PersonStatus
from qorgau.offenders.models import Person

pytestmark = pytest.mark.django_db

# Every item but the age, which follows from the date of birth (the inmate was born in 1980).
ANSWERS = {
    "partner": "no",
    "index_violence": "yes",
    "prior_violence": "no",
    "prior_sex": "1-2c_1v",
    "sentencing_dates": "0-3",
    "noncontact": "no",
    "unrelated": "yes",
    "stranger": "yes",
    "male": "no",
}


def test_an_inmate_of_a_covered_article_gets_an_examination_scheduled(inmate, settings):
    exam = inmate.examinations.get()
    assert exam.scheduled_for == inmate.admitted_on + timedelta(
        days=settings.QORGAU_EXAMINATION_DAYS
    )


def test_an_invalid_or_mismatched_iin_is_refused(facility):
    good = iin.make(date(1975, 3, 3), "m", 7)
    for value, field in [("123456789012", "iin"), (iin.make(date(1975, 3, 4), "m", 7), "iin")]:
        with pytest.raises(services.OffenderInvalid) as caught:
            services.person_create(
                acting_user=None,
                data=services.PersonInput(
                    full_name="X Y", date_of_birth=date(1975, 3, 3), iin=value, facility=facility
                ),
            )
        assert field in caught.value.errors
    services.person_create(
        acting_user=None,
        data=services.PersonInput(
            full_name="X Y", date_of_birth=date(1975, 3, 3), iin=good, facility=facility
        ),
    )
    with pytest.raises(services.OffenderInvalid, match="already in the register"):
        services.person_create(
            acting_user=None,
            data=services.PersonInput(
                full_name="X Z", date_of_birth=date(1975, 3, 3), iin=good, facility=facility
            ),
        )


def test_a_sentence_cannot_end_before_it_starts(inmate):
    with pytest.raises(services.OffenderInvalid, match="cannot end before"):
        services.conviction_add(
            acting_user=None,
            person=inmate,
            articles=["120"],
            sentence_start=date(2020, 1, 2),
            sentence_end=date(2020, 1, 1),
        )


def test_static_99r_is_scored_by_its_rules_and_an_override_needs_a_reason(inmate, clinician):
    row = services.risk_assess(person=inmate, acting_user=clinician, answers=ANSWERS)
    assert row.answers["age"] == "40-59"  # 46 today
    assert (
        row.total == -1 + 1 + 1 + 0 + 1 + 0 + 0 + 1 + 1 + 0
        and row.band == "IVa"
        and row.level == "high"
    )
    with pytest.raises(services.OffenderInvalid, match="reason"):
        services.risk_assess(
            person=inmate, acting_user=clinician, answers=ANSWERS, override_level="low"
        )
    with pytest.raises(services.OffenderInvalid, match="from -3 to 12"):
        services.risk_assess(person=inmate, acting_user=clinician, answers=ANSWERS, total=13)
    with pytest.raises(services.OffenderInvalid, match="Answer every item"):
        services.risk_assess(person=inmate, acting_user=clinician, answers={"partner": "no"})


def test_examination_records_codes_and_encrypts_findings(inmate, clinician):
    exam = services.examination_record(
        exam=inmate.examinations.get(),
        acting_user=clinician,
        done_on=timezone.localdate(),
        findings="Synthetic findings",
        diagnostic_codes=["f65.4", ""],
        recommendations="Programme A",
    )
    assert exam.diagnostic_codes == ["F65.4"] and exam.findings == "Synthetic findings"
    with pytest.raises(services.OffenderInvalid, match="ICD-10"):
        services.examination_record(
            exam=exam,
            acting_user=clinician,
            done_on=timezone.localdate(),
            findings="x",
            diagnostic_codes=["paedophilia"],
            recommendations="",
        )


def test_release_starts_supervision_with_meetings_by_risk(
    inmate, clinician, police, almaty, settings
):
    services.risk_assess(person=inmate, acting_user=clinician, answers=ANSWERS)
    plan = services.release(
        person=inmate,
        acting_user=clinician,
        released_on=timezone.localdate(),
        region=almaty,
        officer=police,
    )
    inmate.refresh_from_db()
    assert (
        inmate.status == PersonStatus.SUPERVISED
        and plan.frequency_days == settings.QORGAU_SUPERVISION_DAYS["high"]
    )
    due = list(plan.meetings.values_list("due_on", flat=True))
    assert due[0] == timezone.localdate() and due[1] - due[0] == timedelta(days=7) and len(due) == 4


def test_a_check_in_cannot_be_recorded_in_the_future(inmate, clinician, police, almaty):
    plan = services.release(
        person=inmate,
        acting_user=clinician,
        released_on=timezone.localdate(),
        region=almaty,
        officer=police,
    )
    meeting = plan.meetings.first()
    with pytest.raises(services.OffenderInvalid, match="future"):
        services.meeting_record(
            meeting=meeting,
            acting_user=police,
            status="attended",
            on=timezone.localdate() + timedelta(days=1),
        )


def test_a_missed_meeting_reaches_the_supervisor_and_the_chief_through_tick(
    inmate, clinician, police, chief, almaty
):
    plan = services.release(
        person=inmate,
        acting_user=clinician,
        released_on=timezone.localdate(),
        region=almaty,
        officer=police,
    )
    services.meeting_record(
        meeting=plan.meetings.first(), acting_user=police, status=MeetingStatus.MISSED
    )
    assert services.supervision_tick().alerted == 1
    assert services.supervision_tick().alerted == 0  # idempotent
    assert Notification.objects.filter(user=chief, kind="supervision_missed").exists()
    assert Notification.objects.filter(user=police, kind="supervision_missed").exists()


def test_tick_drafts_the_plan_90_days_before_release(inmate):
    stats = services.supervision_tick()
    assert stats.drafted == 1 and inmate.supervision_plans.get().status == "draft"
    assert services.supervision_tick().drafted == 0


def test_a_report_naming_a_registered_offenders_phone_is_flagged(inmate, reference_data):
    from qorgau.intake import services as intake
    from qorgau.intake.enums import Source

    report = intake.report_submit(
        draft=intake.ReportDraft(
            category="grooming",
            narrative="Он пишет ей с номера +7 701 777 66 55",
            region_code="KZ-75",
        ),
        submitter=intake.Submitter(source=Source.WEB),
    ).report
    assert report.priority_reasons[0]["code"] == "linked_offender"
    assert report.priority == "P2"


def test_adding_an_offender_flags_earlier_reports_about_the_same_phone(facility, reference_data):
    from qorgau.intake import services as intake
    from qorgau.intake.enums import Source
    from qorgau.intake.models import Report

    report = intake.report_submit(
        draft=intake.ReportDraft(
            category="grooming", narrative="Номер 8 702 111 22 33", region_code="KZ-75"
        ),
        submitter=intake.Submitter(source=Source.WEB),
    ).report
    assert report.priority == "P3"
    services.person_create(
        acting_user=None,
        data=services.PersonInput(
            full_name="Synthetic Person",
            date_of_birth=date(1970, 1, 1),
            identifiers=[{"kind": "phone", "value": "87021112233"}],
            facility=facility,
        ),
    )
    assert Report.objects.get(pk=report.pk).priority == "P2"


CSV_GOOD = (
    "full_name,date_of_birth,iin,facility,articles,sentence_start,sentence_end,phones,handles\n"
    "Synthetic One,1981-02-03,,Demo Facility No. 1,120,2024-01-01,2030-01-01,8 701 000 11 22,telegram:synthetic_one\n"
)
CSV_BAD_LINE = "Synthetic Two,1982-02-03,123,Unknown Facility,120,2024-01-01,2023-01-01,,\n"


def test_the_csv_import_leaves_nothing_behind_when_a_row_is_bad(facility):
    result = services.import_register_csv(acting_user=None, text=CSV_GOOD + CSV_BAD_LINE)
    assert result.imported == 0 and Person.objects.count() == 0
    line, reason = result.errors[0]
    assert line == 3 and "unknown facility" in reason and "ends before it starts" in reason
    result = services.import_register_csv(
        acting_user=None, text=CSV_GOOD + CSV_BAD_LINE, good_rows=True
    )
    assert result.imported == 1 and Person.objects.count() == 1
    person = Person.objects.get()
    assert person.convictions.count() == 1 and person.examinations.count() == 1


def test_the_csv_import_refuses_a_file_without_its_columns(facility):
    result = services.import_register_csv(acting_user=None, text="name;born\nA;B\n")
    assert (
        result.imported == 0
        and "lacks the columns: full_name, date_of_birth" in result.errors[0][1]
    )


def test_the_csv_import_reports_unknown_articles_and_imports_nothing(facility):
    text = (
        CSV_GOOD + "Synthetic Three,1983-02-03,,Demo Facility No. 1,999,2024-01-01,2030-01-01,,\n"
    )
    result = services.import_register_csv(acting_user=None, text=text)
    assert result.imported == 0 and Person.objects.count() == 0
    assert result.errors == [(3, "unknown articles: 999")]


def test_the_csv_import_links_phones_encrypts_names_and_flags_earlier_reports(
    facility, reference_data
):
    from django.db import connection

    from qorgau.core.models import AuditEntry
    from qorgau.intake import services as intake
    from qorgau.intake.enums import Source
    from qorgau.intake.models import Report
    from qorgau.linking.selectors import subject_for_owner

    report = intake.report_submit(
        draft=intake.ReportDraft(
            category="grooming", narrative="Номер 8 701 000 11 22", region_code="KZ-75"
        ),
        submitter=intake.Submitter(source=Source.WEB),
    ).report
    assert report.priority == "P3"
    born = date(1984, 3, 4)
    text = CSV_GOOD + (
        f"Synthetic Four,{born},{iin.make(born, 'm', 7)},Demo Facility No. 1,121,"
        "2024-01-01,2030-01-01,+7 701 000 1122,\n"
    )
    result = services.import_register_csv(acting_user=None, text=text)
    assert result.imported == 2 and not result.errors
    one, four = Person.objects.order_by("pk")
    assert (one.full_name, four.full_name, four.iin) == (
        "Synthetic One",
        "Synthetic Four",
        iin.make(born, "m", 7),
    )
    # both carry the report's phone: one subject, and the report is raised
    assert subject_for_owner(owner_type="offenders.person", owner_id=one.pk) == subject_for_owner(
        owner_type="offenders.person", owner_id=four.pk
    )
    assert Report.objects.get(pk=report.pk).priority == "P2"
    assert AuditEntry.objects.filter(action="offender.import").count() == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT full_name FROM offenders_person WHERE id = %s", [four.pk])
        assert b"Synthetic" not in bytes(cursor.fetchone()[0])
    # the IIN is taken now: the same file again is refused row by row
    again = services.import_register_csv(acting_user=None, text=text)
    assert again.imported == 0 and "already in the register" in again.errors[0][1]
