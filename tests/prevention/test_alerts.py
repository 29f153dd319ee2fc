"""Issue 19, part 5: a referral to a partner left unanswered tells its sender and the chief, once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from qorgau.core.alerts import texts
from qorgau.core.enums import Role
from qorgau.core.models import Alert, Notification
from qorgau.intake import services as intake
from qorgau.intake.enums import Source
from qorgau.prevention import periodic, services
from qorgau.prevention.models import PartnerReferral
from qorgau.prevention.services.due import unanswered_referral_alerts
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOTE = "Synthetic: please call the mother, she agreed."


def told():
    return sorted(
        Notification.objects.filter(kind="referral_unanswered").values_list(
            "user__username", flat=True
        )
    )


def referral(analyst, organisation, days_ago):
    report = intake.report_submit(
        draft=intake.ReportDraft(category="sextortion", narrative="secret", region_code="KZ-75"),
        submitter=intake.Submitter(source=Source.WEB),
    ).report
    row = services.partner_referral_from_report(
        acting_user=analyst, report=report, organisation=organisation, note=NOTE
    )
    PartnerReferral.objects.filter(pk=row.pk).update(
        created_at=timezone.now() - timedelta(days=days_ago)
    )
    return row


@pytest.fixture
def astana_chief(astana):
    return UserFactory(username="chief_astana", role=Role.REGIONAL_CHIEF, region=astana)


def test_a_referral_unanswered_for_a_week_tells_the_sender_and_the_chief_once(
    analyst, chief, astana_chief, organisation, partner_member, settings
):
    settings.QORGAU_REFERRAL_ANSWER_DAYS = 7
    row = referral(analyst, organisation, days_ago=8)
    referral_recent = referral(analyst, organisation, days_ago=3)  # not yet
    assert referral_recent.pk != row.pk
    assert unanswered_referral_alerts() == 1
    assert unanswered_referral_alerts() == 0
    periodic.run()
    assert told() == ["analyst", "chief"]
    alert = Alert.objects.get(kind="referral_unanswered")
    assert set(alert.params) == {"referral", "sent_on", "days"} and alert.params["days"] == 8
    assert alert.url == f"/staff/partner-referrals/{row.public_id}/"
    title, body = texts(alert.kind, alert.params, language="en")
    assert row.public_id in title and "8 days" in body and NOTE not in body
    assert all(texts(alert.kind, alert.params, language=lang)[1] for lang in ("kk", "ru"))


def test_a_referral_the_partner_answered_is_not_alerted(
    analyst, chief, organisation, partner_member
):
    row = referral(analyst, organisation, days_ago=10)
    services.partner_referral_respond(
        acting_user=partner_member, referral=row, text="We will call tomorrow."
    )
    assert unanswered_referral_alerts() == 0
    assert not told()
