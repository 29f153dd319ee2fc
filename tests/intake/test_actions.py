"""The analyst's actions (services): each audited, each shown to the reporter in plain words."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from qorgau.core.errors import NotFound
from qorgau.core.models import AuditEntry, Notification
from qorgau.intake import selectors, services
from qorgau.intake.enums import Source, Status
from qorgau.intake.evidence import IncomingFile, evidence_dir
from qorgau.intake.models import Report

pytestmark = pytest.mark.django_db


def submit(region="KZ-75", **overrides):
    values = {
        "category": "grooming",
        "narrative": "Synthetic: he keeps writing to her.",
        "region_code": region,
    }
    values.update(overrides)
    return services.report_submit(
        draft=services.ReportDraft(**values), submitter=services.Submitter(source=Source.WEB)
    ).report


def reporter_sees(report) -> list[str]:
    return [e.kind for e in selectors.timeline_for_reporter(report=report)]


def test_taking_a_report_puts_it_in_review_and_counts_as_a_first_action(analyst):
    report = submit()
    services.report_take(report=report, acting_user=analyst)
    report.refresh_from_db()
    assert report.assigned_to == analyst and report.status == Status.IN_REVIEW
    assert report.first_action_at is not None
    assert "taken" in reporter_sees(report)
    assert AuditEntry.objects.filter(action="report.take", actor=analyst).exists()


def test_an_analysts_priority_needs_a_reason_and_triage_never_lowers_it(analyst):
    report = submit()
    with pytest.raises(services.ActionRefused, match="Give a reason"):
        services.report_set_priority(report=report, acting_user=analyst, priority="P1", reason=" ")
    services.report_set_priority(
        report=report, acting_user=analyst, priority="P1", reason="Child at risk"
    )
    report.refresh_from_db()
    services.report_retriage(report=report)
    report.refresh_from_db()
    assert report.priority == "P1" and report.priority_by_analyst


def test_refer_and_close_need_a_reason(analyst):
    report = submit()
    with pytest.raises(services.ActionRefused):
        services.report_refer(report=report, acting_user=analyst, target="police", reason="")
    with pytest.raises(services.ActionRefused):
        services.report_close(report=report, acting_user=analyst, reason="")
    services.report_refer(
        report=report, acting_user=analyst, target="police", reason="Danger to the child"
    )
    report.refresh_from_db()
    assert report.status == Status.REFERRED and report.referred_to == "police"
    assert "referred" in reporter_sees(report)


def test_referring_to_another_region_moves_it_to_their_queue(analyst, outsider, astana):
    report = submit()
    services.report_refer(
        report=report, acting_user=analyst, target="region", reason="Lives in Astana", region=astana
    )
    assert selectors.report_list_for_user(user=outsider).filter(pk=report.pk).exists()
    assert not selectors.report_list_for_user(user=analyst).filter(pk=report.pk).exists()


def test_an_unfounded_report_is_purged_with_its_files_after_retention(
    analyst, settings, django_capture_on_commit_callbacks
):
    report = submit(files=[IncomingFile(filename="a.txt", content=b"synthetic", sha256="")])
    services.report_close(report=report, acting_user=analyst, reason="unfounded")
    report.refresh_from_db()
    assert report.expires_at > timezone.now() + timedelta(
        days=settings.QORGAU_RETENTION_DAYS_UNFOUNDED - 1
    )
    assert services.purge_expired_reports() == 0
    kept = submit()
    services.report_close(report=kept, acting_user=analyst, reason="resolved")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.purge_expired_reports(now=timezone.now() + timedelta(days=10_000)) == 1
    assert (
        not Report.objects.filter(pk=report.pk).exists()
        and Report.objects.filter(pk=kept.pk).exists()
    )
    assert list(evidence_dir().iterdir()) == []
    assert AuditEntry.objects.get(action="retention.purge").details == {"reports": 1}


def test_marking_a_duplicate_closes_it(analyst):
    original, copy = submit(), submit()
    services.report_mark_duplicate(report=copy, acting_user=analyst, original=original)
    copy.refresh_from_db()
    assert (
        copy.status == Status.CLOSED
        and copy.duplicate_of == original
        and copy.close_reason == "duplicate"
    )


def test_recording_the_criminal_case(analyst):
    report = submit()
    with pytest.raises(services.ActionRefused, match="6 to 32 digits"):
        services.report_record_case(report=report, acting_user=analyst, registry_number="ABC")
    services.report_record_case(
        report=report, acting_user=analyst, registry_number="2675 0001 0000 12"
    )
    report.refresh_from_db()
    assert (
        report.case_registry_number == "267500010000 12".replace(" ", "")
        and report.status == Status.REFERRED
    )


def test_linking_by_an_analyst_joins_a_subject(analyst):
    from qorgau.linking.selectors import subject_for_owner

    first = submit(identifiers=[services.Identifier(kind="telegram", value="@linked_one")])
    second = submit(suspect_name="Synthetic Name")
    subject = subject_for_owner(owner_type="intake.report", owner_id=first.pk)
    with pytest.raises(NotFound):
        services.report_link_subject(
            report=second, acting_user=analyst, subject_public_id="nope", reason="x"
        )
    services.report_link_subject(
        report=second, acting_user=analyst, subject_public_id=subject.public_id, reason="Same name"
    )
    assert subject_for_owner(owner_type="intake.report", owner_id=second.pk) == subject
    assert AuditEntry.objects.filter(action="linking.confirm").exists()


def test_a_p1_report_alerts_the_regions_on_duty_analysts_in_the_app_and_by_email(
    analyst, outsider, django_capture_on_commit_callbacks
):
    from qorgau.core.services import user_set_on_duty

    analyst.email = "analyst@example.invalid"
    analyst.save(update_fields=["email"])
    user_set_on_duty(user=analyst, on_duty=True)
    user_set_on_duty(user=outsider, on_duty=True)
    with django_capture_on_commit_callbacks(execute=True):
        report = submit(narrative="Он сказал, что завтра встретит её после школы.")
    assert report.priority == "P1"
    assert Notification.objects.filter(user=analyst, object_ref=report.public_id).exists()
    assert not Notification.objects.filter(user=outsider).exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["analyst@example.invalid"]
    assert "встрет" not in mail.outbox[0].body  # never the contents


def test_a_p1_report_without_a_region_alerts_the_central_office_on_duty_only(
    analyst, central, django_capture_on_commit_callbacks
):
    from qorgau.core.services import user_set_on_duty

    user_set_on_duty(user=analyst, on_duty=True)
    user_set_on_duty(user=central, on_duty=True)
    with django_capture_on_commit_callbacks(execute=True):
        report = submit(region="", narrative="Он сказал, что завтра встретит её после школы.")
    assert report.priority == "P1" and report.region is None
    assert Notification.objects.filter(user=central, object_ref=report.public_id).exists()
    assert not Notification.objects.filter(user=analyst).exists()
    # with nobody on duty at the national desk the whole central office is told (issue 19: a P1
    # report that alerts nobody is the most serious bug there is; before, it alerted nobody)
    user_set_on_duty(user=central, on_duty=False)
    later = submit(region="", narrative="Он сказал, что завтра встретит её после школы.")
    assert set(
        Notification.objects.filter(object_ref=later.public_id).values_list("user", flat=True)
    ) == {central.pk}


def test_a_p1_report_with_nobody_on_duty_reaches_the_chief_and_the_national_desk(
    analyst, chief, central, outsider, django_capture_on_commit_callbacks
):
    from qorgau.core.enums import Role
    from tests.factories import UserFactory

    other_chief = UserFactory(
        username="chief_astana", role=Role.REGIONAL_CHIEF, region=outsider.region
    )
    for user, address in ((chief, "chief@example.invalid"), (central, "desk@example.invalid")):
        user.email = address
        user.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        report = submit(narrative="Он сказал, что завтра встретит её после школы.")
    assert report.priority == "P1"
    told = set(
        Notification.objects.filter(object_ref=report.public_id).values_list("user", flat=True)
    )
    assert told == {chief.pk, central.pk}
    assert other_chief.pk not in told and analyst.pk not in told
    assert sorted(m.to[0] for m in mail.outbox) == ["chief@example.invalid", "desk@example.invalid"]
    assert all("встрет" not in m.body for m in mail.outbox)


def test_overdue_reports_stand_out(analyst):
    report = submit(category="other", narrative="Information")
    Report.objects.filter(pk=report.pk).update(respond_by=timezone.now() - timedelta(minutes=1))
    rows = selectors.report_list_for_user(
        user=analyst, filters=selectors.QueueFilters(overdue=True)
    )
    assert [r.pk for r in rows] == [report.pk] and rows[0].is_overdue
    services.report_take(report=report, acting_user=analyst)
    assert not selectors.report_list_for_user(
        user=analyst, filters=selectors.QueueFilters(overdue=True)
    ).exists()


def test_the_queue_finds_by_identifier_written_any_way(analyst):
    report = submit(identifiers=[services.Identifier(kind="phone", value="8 701 222 33 44")])
    submit()
    for query in ["phone:+77012223344", "+7 (701) 222-33-44", "87012223344", report.public_id]:
        found = selectors.report_list_for_user(
            user=analyst, filters=selectors.QueueFilters(find=query)
        )
        assert [r.pk for r in found] == [report.pk], query


def test_publishing_rules_makes_a_new_audited_version(admin_user):
    from qorgau.intake.triage import DEFAULT_RULES

    first = services.triage_rules_current()[0]
    row = services.triage_rules_publish(
        acting_user=admin_user, rules=DEFAULT_RULES, note="same again"
    )
    assert row.version == (first or 0) + 1
    assert AuditEntry.objects.filter(action="triage.publish", actor=admin_user).exists()
    with pytest.raises(services.ActionRefused):
        services.triage_rules_publish(acting_user=admin_user, rules={"rules": [{"code": "x"}]})
