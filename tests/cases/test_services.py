"""Registering cases under the assignment policy, handover, reassignment and the stage."""

from datetime import timedelta

import pytest
from django.utils import timezone

from qorgau.cases import services
from qorgau.cases.enums import Stage
from qorgau.cases.models import Case
from qorgau.core.errors import PermissionRefused
from qorgau.core.models import AuditEntry, Notification

pytestmark = pytest.mark.django_db


def register(number="2675000100001", articles=("120",), code="KZ-75", victims=None, **kwargs):
    return services.case_create(
        acting_user=None,
        data=services.CaseInput(
            registry_number=number,
            articles=list(articles),
            region_code=code,
            victims=victims if victims is not None else [services.VictimInput(age=12, gender="f")],
            **kwargs,
        ),
    )


def test_a_rape_case_goes_to_the_least_loaded_female_prosecutor(make_prosecutor):
    busy = make_prosecutor("f")
    free = make_prosecutor("f")
    make_prosecutor("m")
    register("100001")
    case = register("100002")
    assert {busy.pk, free.pk} == {
        Case.objects.get(registry_number="100001").prosecutor_id,
        case.prosecutor_id,
    }
    assert case.covered and case.prosecutor.user.gender == "f"


def test_an_uncovered_case_may_go_to_anyone(make_prosecutor):
    male = make_prosecutor("m")
    case = register("100001", articles=("312",))
    assert case.prosecutor == male and not case.covered


def test_with_no_eligible_prosecutor_the_case_waits_in_the_chiefs_queue(make_prosecutor, chief):
    make_prosecutor("m")
    case = register("100001")
    assert case.prosecutor is None and case.unassigned_reason == "no_eligible"


def test_the_victims_preference_is_honoured(make_prosecutor):
    female = make_prosecutor("f")
    male = make_prosecutor("m")
    case = register(
        "100001",
        victims=[services.VictimInput(age=15, gender="m", preferred_prosecutor_gender="m")],
    )
    assert case.prosecutor == male
    case = register(
        "100002", victims=[services.VictimInput(age=15, preferred_prosecutor_gender="f")]
    )
    assert case.prosecutor == female


@pytest.mark.parametrize(
    "data,field",
    [
        ({"number": "12", "articles": ("120",)}, "registry_number"),
        ({"number": "100009", "articles": ("999",)}, "articles"),
        ({"number": "100009", "articles": ()}, "articles"),
        ({"number": "100009", "articles": ("120",), "code": "KZ-00"}, "region"),
        (
            {"number": "100009", "articles": ("120",), "victims": [services.VictimInput(age=19)]},
            "victims.0.age",
        ),
    ],
)
def test_bad_input_is_refused_and_nothing_changes(reference_data, data, field):
    with pytest.raises(services.CaseInvalid) as caught:
        register(**data)
    assert field in caught.value.errors
    assert Case.objects.count() == 0


def test_a_duplicate_registry_number_is_a_conflict(make_prosecutor):
    make_prosecutor("f")
    register("100001")
    with pytest.raises(services.CaseInvalid) as caught:
        register("1000 01")
    assert caught.value.conflict and Case.objects.count() == 1


def test_reassignment_is_refused_to_ineligible_or_other_region_prosecutors(make_prosecutor, chief):
    holder = make_prosecutor("f")
    male = make_prosecutor("m")
    elsewhere = make_prosecutor("f", code="KZ-71")
    colleague = make_prosecutor("f")
    case = register("100001")
    assert case.prosecutor == holder
    refusals = [(male, "may not hold"), (elsewhere, "another region"), (holder, "already holds")]
    for target, message in refusals:
        with pytest.raises(services.CaseActionRefused, match=message):
            services.case_reassign(case=case, prosecutor=target, acting_user=chief, reason="x")
    with pytest.raises(services.CaseActionRefused, match="reason"):
        services.case_reassign(case=case, prosecutor=colleague, acting_user=chief, reason="")
    services.case_reassign(case=case, prosecutor=colleague, acting_user=chief, reason="Holiday")
    case.refresh_from_db()
    assert case.prosecutor != holder and case.prosecutor in (colleague,)
    assert AuditEntry.objects.filter(action="case.reassign", actor=chief).exists()


def test_a_stage_going_back_needs_a_reason(make_prosecutor, prosecutor):
    make_prosecutor("f")
    case = register("100001")
    services.case_move_stage(case=case, stage=Stage.IN_COURT, acting_user=None)
    assert case.sent_to_court_on == timezone.localdate()
    with pytest.raises(services.CaseActionRefused, match="needs a reason"):
        services.case_move_stage(case=case, stage=Stage.PRETRIAL, acting_user=None)
    services.case_move_stage(
        case=case, stage=Stage.PRETRIAL, acting_user=None, reason="Returned by the court"
    )
    services.case_move_stage(case=case, stage=Stage.CONVICTED, acting_user=None)
    assert case.verdict_on is not None


def test_male_holders_hand_over_within_a_week_and_tick_is_idempotent(make_prosecutor, chief):
    marat = make_prosecutor("m")
    make_prosecutor("f")
    case = register("100001")
    Case.objects.filter(pk=case.pk).update(prosecutor=marat)  # held from before the policy
    stats = services.handover_tick()
    case.refresh_from_db()
    assert stats.deadlines_set == 1 and case.handover_deadline is not None
    assert case.handover_deadline <= timezone.now() + timedelta(days=7, minutes=1)
    again = services.handover_tick()
    assert again.deadlines_set == 0
    # a week later it is overdue: proposed to the chief, who confirms with one click
    later = services.handover_tick(now=timezone.now() + timedelta(days=8))
    assert (
        later.proposed == 1
        and services.handover_tick(now=timezone.now() + timedelta(days=8)).proposed == 0
    )
    assert Notification.objects.filter(user=chief, kind="handover_overdue").exists()
    case.refresh_from_db()
    services.handover_confirm(case=case, acting_user=chief)
    case.refresh_from_db()
    assert case.prosecutor.user.gender == "f" and case.handover_done_at is not None


def test_the_policy_can_reassign_overdue_handovers_itself(make_prosecutor, central):
    marat = make_prosecutor("m")
    make_prosecutor("f")
    services.policy_publish(
        acting_user=central,
        articles=["120"],
        eligible_genders=["f"],
        effective_from=timezone.localdate(),
        auto_reassign=True,
    )
    case = register("100001")
    Case.objects.filter(pk=case.pk).update(prosecutor=marat)
    services.handover_tick()
    stats = services.handover_tick(now=timezone.now() + timedelta(days=8))
    case.refresh_from_db()
    assert stats.reassigned == 1 and case.prosecutor.user.gender == "f"


def test_only_the_central_office_sets_the_policy(chief, central):
    with pytest.raises(PermissionRefused):
        services.policy_publish(
            acting_user=chief,
            articles=["120"],
            eligible_genders=["f"],
            effective_from=timezone.localdate(),
        )
    policy = services.policy_publish(
        acting_user=central,
        articles=["120", "121"],
        eligible_genders=["f"],
        effective_from=timezone.localdate() + timedelta(days=30),
    )
    assert services.policy_in_force().version < policy.version  # not yet in force
    assert services.policy_in_force(timezone.localdate() + timedelta(days=30)) == policy
    assert AuditEntry.objects.filter(action="policy.publish", actor=central).exists()


def test_queued_cases_are_assigned_when_someone_eligible_arrives(make_prosecutor):
    make_prosecutor("m")
    case = register("100001")
    assert case.prosecutor is None
    make_prosecutor("f")
    assert services.assign_pending() == 1
    case.refresh_from_db()
    assert case.prosecutor.user.gender == "f" and case.unassigned_reason == ""


def test_the_care_checklist_records_who_and_when(make_prosecutor):
    prosecutor = make_prosecutor("f").user  # the case's prosecutor ticks it
    case = register("100001")
    check = services.care_tick(case=case, item="psychologist", acting_user=prosecutor)
    assert check.done_by == prosecutor and check.done_at is not None
    assert services.care_tick(case=case, item="psychologist", acting_user=prosecutor).pk == check.pk


def test_a_report_turned_into_a_case_keeps_its_link_both_ways(make_prosecutor, analyst):
    from qorgau.intake import services as intake
    from qorgau.intake.enums import Source

    make_prosecutor("f")
    report = intake.report_submit(
        draft=intake.ReportDraft(
            category="abuse",
            narrative="Synthetic",
            region_code="KZ-75",
            child_age=11,
            child_gender="f",
        ),
        submitter=intake.Submitter(source=Source.WEB),
    ).report
    case = services.case_create_from_report(
        acting_user=analyst, report=report, registry_number="100001", articles=["120"]
    )
    report.refresh_from_db()
    assert case.report == report and report.case_registry_number == "100001"
    assert list(report.cases.all()) == [case] and report.status == "referred"
    assert case.victims.get().age == 11
