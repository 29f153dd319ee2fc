"""Every write of the prevention app: its rules, its refusals and its audit entries."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from qorgau.core.errors import NotFound, PermissionRefused
from qorgau.core.models import AuditEntry
from qorgau.intake.enums import Source, Status
from qorgau.intake.models import Report
from qorgau.prevention import services
from qorgau.prevention.enums import ReferralStatus, RoundStatus
from qorgau.prevention.models import (
    PartnerReferral,
    RoundReferral,
    SafeguardingRound,
    School,
    Teacher,
    TrainingSession,
)
from tests.prevention.conftest import done_round

pytestmark = pytest.mark.django_db

CSV = """region,district,settlement,settlement_kind,name,pupils,languages
KZ-75,Bostandyk,Almaty,town,Demo School No. 1,800,kk;ru
KZ-75,Medeu,Almaty,город,Demo School No. 2,650,ru
KZ-19,Talgar,Demo Village,village,Demo School No. 3,120,kk
"""


def actions():
    return list(AuditEntry.objects.values_list("action", flat=True))


def refusals():
    """The refusals in the audit log: (actor's username, policy, reason)."""
    return [
        (e.actor.username if e.actor else None, e.details["policy"], e.details["reason"])
        for e in AuditEntry.objects.filter(action="refused").order_by("seq")
    ]


# --- School years ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (date(2025, 9, 1), 2025),
        (date(2026, 5, 31), 2025),
        (date(2026, 8, 31), 2025),
        (date(2026, 9, 1), 2026),
    ],
)
def test_a_school_year_runs_from_september_to_august(day, year):
    assert services.school_year_of(day) == year


# --- Schools --------------------------------------------------------------------------------------


def test_a_coordinator_registers_a_school_of_their_region(educator):
    school = services.school_create(
        acting_user=educator,
        data=services.SchoolInput(
            name=" Demo  School No. 7 ",
            region_code="kz-75",
            district="Auezov",
            settlement="Almaty",
            settlement_kind="town",
            pupils="900",
            languages="Kazakh, ru",
        ),
    )
    assert school.name == "Demo School No. 7" and school.languages == ["kk", "ru"]
    assert "school.create" in actions()


def test_a_school_of_another_region_is_refused(educator):
    with pytest.raises(services.PreventionRefused) as exc:
        services.school_create(
            acting_user=educator,
            data=services.SchoolInput("S", "KZ-71", "Yesil", "Astana", "town", 10, ["kk"]),
        )
    assert "another region" in exc.value.errors["region"][0]
    assert not School.objects.exists()


def test_a_school_is_registered_once(make_school):
    make_school(name="Demo School No. 9")
    with pytest.raises(services.PreventionRefused, match="already registered"):
        make_school(name="Demo School No. 9")


def test_the_import_reports_every_bad_row_with_its_line_and_imports_nothing(reference_data):
    text = CSV + "KZ-99,X,Y,town,Bad region,10,kk\nKZ-75,Medeu,Almaty,hamlet,Bad,-5,klingon\n"
    result = services.school_import_csv(acting_user=None, text=text)
    assert not result.imported and School.objects.count() == 0
    assert [e.line for e in result.errors] == [5, 6]
    assert "KZ-99" in result.errors[0].reason
    assert "town or a village" in result.errors[1].reason
    assert "pupils" in result.errors[1].reason and "klingon" in result.errors[1].reason


def test_the_import_takes_the_good_rows_when_asked(reference_data):
    text = CSV + "KZ-99,X,Y,town,Bad region,10,kk\n"
    result = services.school_import_csv(acting_user=None, text=text, good_rows=True)
    assert result.imported and result.created == 3 and len(result.errors) == 1
    assert School.objects.get(name="Demo School No. 2").settlement_kind == "town"
    assert "school.import" in actions()


def test_the_import_updates_known_schools_and_reads_semicolons_and_a_bom(reference_data):
    services.school_import_csv(acting_user=None, text=CSV)
    again = "\ufeff" + CSV.replace(",", ";").replace("800", "850").replace("kk;ru", "kk ru")
    result = services.school_import_csv(acting_user=None, text=again)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    assert School.objects.get(name="Demo School No. 1").pupils == 850


def test_the_import_refuses_a_file_without_the_columns_and_repeated_rows(reference_data):
    result = services.school_import_csv(acting_user=None, text="name,pupils\nA,1\n")
    assert result.errors[0].line == 1 and "region" in result.errors[0].reason
    lines = CSV.splitlines()
    result = services.school_import_csv(acting_user=None, text="\n".join([*lines, lines[1]]))
    assert result.errors[0].line == 5 and "line 2" in result.errors[0].reason


def test_a_coordinator_imports_only_schools_of_their_region(educator):
    result = services.school_import_csv(acting_user=educator, text=CSV)
    assert [e.line for e in result.errors] == [4] and not result.imported


# --- The cascade ----------------------------------------------------------------------------------


def test_a_master_trainer_tops_the_cascade(make_teacher):
    master = make_teacher(master=True)
    assert (master.level, master.trained_by, master.can_train) == (0, None, True)


def test_certified_attendees_join_the_cascade_under_their_trainer(make_teacher, certify):
    master = make_teacher(master=True)
    first, second = make_teacher(), make_teacher()
    session = certify(master, [first, second])
    assert {first.level, second.level} == {1} and first.trained_by == master
    grandchild = make_teacher()
    certify(first, [grandchild])
    assert grandchild.level == 2 and grandchild.trained_by == first
    attendance = session.attendances.get(teacher=first)
    assert attendance.certificate_id and attendance.certified_on == timezone.localdate()
    assert {"training.create", "training.attendance", "training.certify"} <= set(actions())


def test_a_second_certification_keeps_the_first_trainer(make_teacher, certify):
    one, two = make_teacher(master=True), make_teacher(master=True)
    teacher = make_teacher()
    certify(one, [teacher])
    certify(two, [teacher])
    teacher.refresh_from_db()
    assert teacher.trained_by == one and teacher.level == 1


def test_a_session_without_attendees_is_refused(make_teacher):
    master = make_teacher(master=True)
    with pytest.raises(services.PreventionRefused) as exc:
        services.session_create(
            acting_user=None,
            region=master.region,
            held_on=timezone.localdate(),
            place="Hall",
            trainer=master,
            attendees=[],
        )
    assert exc.value.errors["attendees"] == ["A session needs at least one attendee."]


def test_a_trainer_who_is_not_certified_is_refused(make_teacher):
    trainer, attendee = make_teacher(), make_teacher()
    with pytest.raises(services.PreventionRefused) as exc:
        services.session_create(
            acting_user=None,
            region=trainer.region,
            held_on=timezone.localdate(),
            place="Hall",
            trainer=trainer,
            attendees=[attendee],
        )
    assert "is not certified" in exc.value.errors["trainer"][0]


def test_an_attendee_from_a_school_of_another_region_is_refused(make_teacher):
    master = make_teacher(master=True)
    stranger = make_teacher(code="KZ-71")
    with pytest.raises(services.PreventionRefused, match="school of another region"):
        services.session_create(
            acting_user=None,
            region=master.region,
            held_on=timezone.localdate(),
            place="Hall",
            trainer=master,
            attendees=[stranger],
        )


def test_the_trainer_cannot_attend_their_own_session(make_teacher):
    master = make_teacher(master=True)
    with pytest.raises(services.PreventionRefused, match="own session"):
        services.session_create(
            acting_user=None,
            region=master.region,
            held_on=timezone.localdate(),
            place="Hall",
            trainer=master,
            attendees=[master],
        )


def test_a_coordinator_works_only_in_their_region(educator, make_teacher):
    master = make_teacher(master=True, code="KZ-71")
    attendee = make_teacher(code="KZ-71")
    with pytest.raises(NotFound):
        services.session_create(
            acting_user=educator,
            region=master.region,
            held_on=timezone.localdate(),
            place="Hall",
            trainer=master,
            attendees=[attendee],
        )
    assert not TrainingSession.objects.exists()
    assert refusals() == [("educator", "prevention.create_session", "scope")]


def test_only_those_who_came_are_certified_and_only_after_the_session(make_teacher):
    master = make_teacher(master=True)
    came, absent = make_teacher(), make_teacher()
    future = services.session_create(
        acting_user=None,
        region=master.region,
        held_on=timezone.localdate() + timedelta(days=3),
        place="Hall",
        trainer=master,
        attendees=[came],
    )
    with pytest.raises(services.PreventionRefused):
        services.session_record_attendance(acting_user=None, session=future, present=[])
    with pytest.raises(services.PreventionRefused):
        services.session_certify(acting_user=None, session=future)
    past = services.session_create(
        acting_user=None,
        region=master.region,
        held_on=timezone.localdate() - timedelta(days=1),
        place="Hall",
        trainer=master,
        attendees=[came, absent],
    )
    with pytest.raises(services.PreventionRefused, match="Record who came"):
        services.session_certify(acting_user=None, session=past)
    services.session_record_attendance(
        acting_user=None, session=past, present=[past.attendances.get(teacher=came).pk]
    )
    assert services.session_certify(acting_user=None, session=past) == 1
    absent.refresh_from_db()
    assert absent.certified_on is None and absent.level is None
    with pytest.raises(services.PreventionRefused, match="cannot be marked absent"):
        services.session_record_attendance(acting_user=None, session=past, present=[])


def test_the_database_keeps_the_cascade_consistent(make_teacher):
    teacher = make_teacher()
    with pytest.raises(IntegrityError), transaction.atomic():
        Teacher.objects.filter(pk=teacher.pk).update(level=3)


def test_designating_a_master_trainer(make_teacher, certify):
    teacher = make_teacher()
    services.teacher_designate_master(acting_user=None, teacher=teacher)
    assert teacher.is_master_trainer and teacher.level == 0
    trained = make_teacher()
    certify(teacher, [trained])
    with pytest.raises(services.PreventionRefused):
        services.teacher_designate_master(acting_user=None, teacher=trained)


def test_a_teacher_of_a_school_of_another_region_is_refused(educator, make_school):
    school = make_school(code="KZ-71")
    with pytest.raises(NotFound):
        services.teacher_create(acting_user=educator, full_name="A B", school=school)
    assert not Teacher.objects.exists()
    assert refusals() == [("educator", "prevention.create_teacher", "scope")]


# --- Rounds ---------------------------------------------------------------------------------------


def test_one_round_per_school_and_school_year(educator, make_school):
    school = make_school()
    year = services.current_school_year()
    start, _end = services.school_year_bounds(year)
    services.round_plan(acting_user=educator, school=school, planned_on=start)
    with pytest.raises(services.PreventionRefused) as exc:
        services.round_plan(
            acting_user=educator, school=school, planned_on=start + timedelta(days=5)
        )
    assert "already has a round in the school year" in exc.value.errors["school"][0]
    services.round_plan(acting_user=educator, school=school, planned_on=date(year + 1, 9, 1))
    assert SafeguardingRound.objects.count() == 2


def test_the_database_refuses_a_second_round_too(make_school):
    school = make_school()
    services.round_plan(acting_user=None, school=school, planned_on=date(2025, 10, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        SafeguardingRound.objects.create(
            school=school, school_year=2025, planned_on=date(2025, 11, 1)
        )


def test_a_round_of_a_school_of_another_region_is_refused(educator, make_school):
    with pytest.raises(NotFound):
        services.round_plan(
            acting_user=educator, school=make_school(code="KZ-71"), planned_on=timezone.localdate()
        )
    assert not SafeguardingRound.objects.exists()
    assert refusals() == [("educator", "prevention.plan_round", "scope")]


def test_a_round_is_recorded_done_with_counts_only(educator, make_school):
    school = make_school(pupils=300)
    round_ = services.round_plan(
        acting_user=educator, school=school, planned_on=timezone.localdate()
    )
    with pytest.raises(services.PreventionRefused) as exc:
        services.round_record_done(
            acting_user=educator,
            round_=round_,
            done_on=timezone.localdate() + timedelta(days=2),
            conducted_by="",
            pupils_seen=301,
            concerns_raised=-1,
        )
    assert set(exc.value.errors) == {"done_on", "conducted_by", "pupils_seen", "concerns_raised"}
    done = services.round_record_done(
        acting_user=educator,
        round_=round_,
        done_on=timezone.localdate(),
        conducted_by="Psychologist",
        pupils_seen=250,
        concerns_raised=2,
    )
    assert done.status == RoundStatus.DONE and "round.done" in actions()
    with pytest.raises(services.PreventionRefused, match="already"):
        services.round_record_done(
            acting_user=educator,
            round_=done,
            done_on=timezone.localdate(),
            conducted_by="Psychologist",
            pupils_seen=1,
            concerns_raised=0,
        )


def test_a_referral_from_a_round_becomes_a_school_report_in_the_region_queue(educator, make_school):
    school = make_school(settlement="Almaty")
    round_ = done_round(school)
    referral = services.round_refer(
        acting_user=educator,
        round_=round_,
        category="grooming",
        narrative="A pupil is asked for pictures by an adult online.",
        child_age=12,
        nonce="n1",
    )
    report = Report.objects.get()
    assert referral.report == report and referral.round == round_
    assert (report.source, report.region.code, report.child_age) == (Source.SCHOOL, "KZ-75", 12)
    assert report.status == Status.RECEIVED and report.submitted_by == educator
    assert report.location == {"town": "Almaty", "school": school.name}
    assert "asked for pictures" in report.narrative and school.name in report.narrative
    assert {"report.submit", "round.refer"} <= set(actions())
    # the same form sent twice makes one report
    again = services.round_refer(
        acting_user=educator, round_=round_, category="grooming", narrative="x", nonce="n1"
    )
    assert again.pk == referral.pk and Report.objects.count() == 1


def test_a_round_keeps_no_details_of_the_referral():
    fields = {f.name for f in RoundReferral._meta.get_fields()}
    assert fields <= {"id", "round", "report", "created_by", "created_at", "updated_at"}


def test_a_referral_needs_a_done_round_and_valid_input(educator, make_school):
    school = make_school()
    round_ = services.round_plan(
        acting_user=educator, school=school, planned_on=timezone.localdate()
    )
    with pytest.raises(services.PreventionRefused, match="done first"):
        services.round_refer(
            acting_user=educator, round_=round_, category="grooming", narrative="x"
        )
    round_ = done_round(make_school())
    with pytest.raises(services.PreventionRefused) as exc:
        services.round_refer(
            acting_user=educator, round_=round_, category="nope", narrative="x", child_age=30
        )
    assert {"category", "child_age"} <= set(exc.value.errors)
    assert not Report.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_round_referral_commits_outside_any_outer_transaction(educator, make_school):
    """report_submit is durable: the service must not wrap it in a transaction of its own."""
    round_ = done_round(make_school())
    services.round_refer(acting_user=educator, round_=round_, category="other", narrative="x")
    assert RoundReferral.objects.get().report.source == Source.SCHOOL


# --- Partners -------------------------------------------------------------------------------------


def _report(region_code="KZ-75"):
    from qorgau.intake import services as intake

    return intake.report_submit(
        draft=intake.ReportDraft(
            category="sextortion", narrative="secret words", region_code=region_code
        ),
        submitter=intake.Submitter(source="web"),
    ).report


def test_an_analyst_refers_a_report_to_a_partner(analyst, organisation):
    report = _report()
    referral = services.partner_referral_from_report(
        acting_user=analyst, report=report, organisation=organisation, note="Please support"
    )
    assert (referral.region, referral.category, referral.status) == (
        report.region,
        "sextortion",
        ReferralStatus.SENT,
    )
    assert "partner_referral.create" in actions()
    with pytest.raises(services.PreventionRefused, match="already"):
        services.partner_referral_from_report(
            acting_user=analyst, report=report, organisation=organisation, note="Again"
        )


def test_a_referral_needs_a_note_an_active_partner_and_a_role_that_refers(
    analyst, educator, organisation
):
    report = _report()
    with pytest.raises(services.PreventionRefused) as exc:
        services.partner_referral_from_report(
            acting_user=analyst, report=report, organisation=organisation, note=" "
        )
    assert "note" in exc.value.errors
    with pytest.raises(PermissionRefused, match="Your role does not refer reports to partners"):
        services.partner_referral_from_report(
            acting_user=educator, report=report, organisation=organisation, note="x"
        )
    organisation.is_active = False
    organisation.save()
    with pytest.raises(services.PreventionRefused, match="does not receive"):
        services.partner_referral_from_report(
            acting_user=analyst, report=report, organisation=organisation, note="x"
        )


def test_a_chief_refers_a_case(chief, organisation):
    from qorgau.cases import services as cases

    case = cases.case_create(
        acting_user=None,
        data=cases.CaseInput(registry_number="123456789", articles=["120"], region_code="KZ-75"),
    )
    referral = services.partner_referral_from_case(
        acting_user=chief, case=case, organisation=organisation, note="Support the family"
    )
    assert referral.kind == "case" and referral.region == case.region and referral.category == ""


def test_the_partner_answers_with_allowed_status_changes(analyst, partner_member, organisation):
    referral = services.partner_referral_from_report(
        acting_user=analyst, report=_report(), organisation=organisation, note="n"
    )
    services.partner_referral_respond(
        acting_user=partner_member, referral=referral, status="accepted", text="We called"
    )
    services.partner_referral_respond(acting_user=partner_member, referral=referral, text="Met")
    referral.refresh_from_db()
    assert referral.status == "accepted" and referral.feedback.count() == 2
    services.partner_referral_respond(
        acting_user=partner_member, referral=referral, status="declined"
    )
    with pytest.raises(services.PreventionRefused) as exc:
        services.partner_referral_respond(
            acting_user=partner_member, referral=referral, status="done"
        )
    assert "cannot go from" in exc.value.errors["status"][0]
    with pytest.raises(services.PreventionRefused):
        services.partner_referral_respond(acting_user=partner_member, referral=referral)


def test_only_the_partner_it_was_sent_to_answers(analyst, partner_member, organisation, partner):
    from qorgau.prevention.models import PartnerOrganisation

    other = PartnerOrganisation.objects.create(name="Other NGO", kind="ngo")
    referral = services.partner_referral_from_report(
        acting_user=analyst, report=_report(), organisation=other, note="n"
    )
    # a partner of another organisation: as if the referral did not exist
    with pytest.raises(NotFound):
        services.partner_referral_respond(acting_user=partner, referral=referral, text="hi")
    with pytest.raises(PermissionRefused, match="Only the partner"):
        services.partner_referral_respond(acting_user=analyst, referral=referral, text="hi")
    assert not referral.feedback.exists()
    assert refusals() == [
        ("partner", "prevention.respond_to_referral", "scope"),
        ("analyst", "prevention.respond_to_referral", "role"),
    ]


def test_only_partner_users_belong_to_a_partner(analyst, organisation):
    with pytest.raises(services.PreventionRefused):
        services.partner_member_set(acting_user=None, user=analyst, organisation=organisation)


def test_the_note_is_encrypted_at_rest(analyst, organisation):
    from django.db import connection

    services.partner_referral_from_report(
        acting_user=analyst, report=_report(), organisation=organisation, note="very private words"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT note FROM {PartnerReferral._meta.db_table}")
        raw = bytes(cursor.fetchone()[0])
    assert b"very private" not in raw
