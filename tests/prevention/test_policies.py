"""Who may act in the prevention programme: every write refuses the roles and regions its policy does
not name, with a clear answer, nothing written and a "refused" entry in the audit log."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from qorgau.core.enums import Role
from qorgau.core.errors import NotFound, PermissionRefused
from qorgau.core.models import AuditEntry
from qorgau.core.permissions import may
from qorgau.intake import services as intake
from qorgau.intake.models import Report
from qorgau.prevention import policies, services
from qorgau.prevention.models import (
    Attendance,
    PartnerFeedback,
    PartnerMember,
    PartnerOrganisation,
    PartnerReferral,
    RoundReferral,
    SafeguardingRound,
    School,
    Teacher,
    TrainingSession,
)
from tests.factories import UserFactory
from tests.prevention.conftest import done_round

pytestmark = pytest.mark.django_db

COORDINATOR_ONLY = "Only the education coordinator of the region can do this."
MODELS = [
    School,
    Teacher,
    TrainingSession,
    Attendance,
    SafeguardingRound,
    RoundReferral,
    Report,
    PartnerReferral,
    PartnerFeedback,
    PartnerMember,
]


class World:
    """A school of Almaty (KZ-75) with its cascade, a session, a planned and a done round."""

    def __init__(self, make_school, make_teacher):
        self.school = make_school(pupils=400)
        self.other_school = make_school(pupils=100)
        self.master = make_teacher(school=self.school, master=True)
        self.teacher = make_teacher(school=self.school)
        self.newcomer = make_teacher(school=self.school)
        self.session = services.session_create(
            acting_user=None,
            region=self.school.region,
            held_on=timezone.localdate() - timedelta(days=2),
            place="Test Centre",
            trainer=self.master,
            attendees=[self.teacher],
        )
        services.session_record_attendance(
            acting_user=None,
            session=self.session,
            present=[a.pk for a in self.session.attendances.all()],
        )
        self.done = done_round(self.school)
        year = services.school_year_of(timezone.localdate())
        self.planned = services.round_plan(
            acting_user=None, school=self.other_school, planned_on=date(year, 9, 1)
        )


@pytest.fixture
def world(make_school, make_teacher):
    return World(make_school, make_teacher)


@pytest.fixture
def far_educator(astana):
    """The education coordinator of another region (Astana)."""
    return UserFactory(username="far.educator", role=Role.EDUCATION_COORDINATOR, region=astana)


CSV = (
    "region,district,settlement,settlement_kind,name,pupils,languages\n"
    "KZ-75,Medeu,Almaty,town,Test School Imported,300,kk\n"
)

# Each write of the programme, done by `user` on the world's objects.
WRITES = {
    "school_create": lambda user, w: services.school_create(
        acting_user=user,
        data=services.SchoolInput("Test School New", "KZ-75", "Medeu", "Almaty", "town", 10, "kk"),
    ),
    "school_import_csv": lambda user, w: services.school_import_csv(acting_user=user, text=CSV),
    "teacher_create": lambda user, w: services.teacher_create(
        acting_user=user, full_name="Test Teacher New", school=w.school
    ),
    "teacher_designate_master": lambda user, w: services.teacher_designate_master(
        acting_user=user, teacher=w.newcomer
    ),
    "session_create": lambda user, w: services.session_create(
        acting_user=user,
        region=w.school.region,
        held_on=timezone.localdate(),
        place="Test Hall",
        trainer=w.master,
        attendees=[w.newcomer],
    ),
    "session_add_attendee": lambda user, w: services.session_add_attendee(
        acting_user=user, session=w.session, teacher=w.newcomer
    ),
    "session_record_attendance": lambda user, w: services.session_record_attendance(
        acting_user=user, session=w.session, present=[]
    ),
    "session_certify": lambda user, w: services.session_certify(
        acting_user=user, session=w.session
    ),
    "round_plan": lambda user, w: services.round_plan(
        acting_user=user, school=w.school, planned_on=w.done.planned_on + timedelta(days=366)
    ),
    "round_record_done": lambda user, w: services.round_record_done(
        acting_user=user,
        round_=w.planned,
        done_on=timezone.localdate(),
        conducted_by="Test psychologist",
        pupils_seen=10,
        concerns_raised=0,
    ),
    "round_refer": lambda user, w: services.round_refer(
        acting_user=user, round_=w.done, category="grooming", narrative="Test concern."
    ),
}
# The registration of schools checks the region as a field (the form, a row of the import): the
# coordinator of another region gets a field error there, below.
OBJECT_WRITES = [name for name in WRITES if not name.startswith("school_")]


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def refused():
    return [
        (e.actor.username if e.actor else None, e.details["policy"], e.details["reason"])
        for e in AuditEntry.objects.filter(action="refused").order_by("seq")
    ]


def _attempt(write, user, world):
    before, entries = counts(), AuditEntry.objects.count()
    with pytest.raises((PermissionRefused, NotFound)) as error:
        WRITES[write](user, world)
    assert counts() == before
    assert AuditEntry.objects.count() == entries + 1
    return error.value


@pytest.mark.parametrize("write", list(WRITES))
@pytest.mark.parametrize("persona", ["partner", "analyst", "chief"])
def test_a_role_outside_the_programme_is_refused(world, personas, persona, write):
    user = personas[persona]
    error = _attempt(write, user, world)
    assert isinstance(error, PermissionRefused) and error.status == 403
    assert error.message == COORDINATOR_ONLY
    [(actor, policy, reason)] = refused()
    assert (actor, reason) == (user.username, "role") and policy.startswith("prevention.")


@pytest.mark.parametrize("write", OBJECT_WRITES)
def test_the_coordinator_of_another_region_finds_nothing(world, far_educator, write):
    error = _attempt(write, far_educator, world)
    assert isinstance(error, NotFound) and error.status == 404
    [(actor, _policy, reason)] = refused()
    assert (actor, reason) == ("far.educator", "scope")


def test_the_coordinator_of_another_region_registers_no_school_here(world, far_educator):
    before = counts()
    with pytest.raises(services.PreventionRefused) as error:
        WRITES["school_create"](far_educator, world)
    assert "another region" in error.value.errors["region"][0]
    result = WRITES["school_import_csv"](far_educator, world)
    assert [e.line for e in result.errors] == [2] and "another region" in result.errors[0].reason
    assert counts() == before


def test_the_central_office_registers_schools_but_runs_no_cascade(world, central):
    services.school_create(
        acting_user=central,
        data=services.SchoolInput("Test School C", "KZ-71", "Yesil", "Astana", "town", 10, "ru"),
    )
    assert services.school_import_csv(acting_user=central, text=CSV).imported == 1
    error = _attempt("session_create", central, world)
    assert isinstance(error, PermissionRefused) and error.message == COORDINATOR_ONLY


def test_the_coordinator_of_the_region_may_do_it_all(world, educator):
    assert all(
        may(educator, policy, world.school)
        for policy in (
            policies.CREATE_SCHOOL,
            policies.IMPORT_SCHOOLS,
            policies.CREATE_TEACHER,
            policies.CREATE_SESSION,
            policies.PLAN_ROUND,
        )
    )
    for write in ("session_add_attendee", "round_record_done", "round_refer"):
        WRITES[write](educator, world)
    assert not refused()


# --- Partners -------------------------------------------------------------------------------------


def _report(code="KZ-75"):
    return intake.report_submit(
        draft=intake.ReportDraft(category="grooming", narrative="Synthetic.", region_code=code),
        submitter=intake.Submitter(source="web"),
    ).report


def test_reports_are_referred_by_their_regions_analysts_and_chief(
    analyst, outsider, educator, organisation
):
    report = _report()
    before = counts()
    with pytest.raises(NotFound):
        services.partner_referral_from_report(
            acting_user=outsider, report=report, organisation=organisation, note="x"
        )
    with pytest.raises(PermissionRefused, match="Your role does not refer reports to partners"):
        services.partner_referral_from_report(
            acting_user=educator, report=report, organisation=organisation, note="x"
        )
    assert counts() == before
    assert refused() == [
        ("outsider", "prevention.refer_report_to_partner", "scope"),
        ("educator", "prevention.refer_report_to_partner", "role"),
    ]
    services.partner_referral_from_report(
        acting_user=analyst, report=report, organisation=organisation, note="x"
    )


def test_a_case_is_referred_by_its_own_prosecutor_or_the_chief(prosecutor, analyst, organisation):
    from qorgau.cases import services as cases

    case = cases.case_create(
        acting_user=None,
        data=cases.CaseInput(registry_number="123456789", articles=["120"], region_code="KZ-75"),
    )
    with pytest.raises(NotFound):  # not assigned to them
        services.partner_referral_from_case(
            acting_user=prosecutor, case=case, organisation=organisation, note="x"
        )
    with pytest.raises(PermissionRefused, match="Your role does not refer cases to partners"):
        services.partner_referral_from_case(
            acting_user=analyst, case=case, organisation=organisation, note="x"
        )
    assert not PartnerReferral.objects.exists()


def test_only_the_partner_answers_and_only_administrators_link_partners(
    analyst, educator, partner_member, organisation, admin_user
):
    referral = services.partner_referral_from_report(
        acting_user=analyst, report=_report(), organisation=organisation, note="n"
    )
    before = counts()
    for user in (analyst, educator):
        with pytest.raises(PermissionRefused, match="Only the partner"):
            services.partner_referral_respond(acting_user=user, referral=referral, status="done")
    for user in (analyst, partner_member):
        with pytest.raises(PermissionRefused):
            services.partner_member_set(
                acting_user=user, user=partner_member, organisation=organisation
            )
    referral.refresh_from_db()
    assert referral.status == "sent" and counts() == before
    assert [r[1:] for r in refused()] == [
        ("prevention.respond_to_referral", "role"),
        ("prevention.respond_to_referral", "role"),
        ("prevention.set_partner_member", "role"),
        ("prevention.set_partner_member", "role"),
    ]
    # an administrator's link waits for a second person (issue 18, finding 1: four eyes on access)
    other = PartnerOrganisation.objects.create(name="Other Movement", kind="ngo")
    change = services.partner_member_set(
        acting_user=admin_user, user=partner_member, organisation=other
    )
    assert (change.old_partner_organisations, change.new_partner_organisations) == (
        [organisation.pk],
        [other.pk],
    )
    assert PartnerMember.objects.get(user=partner_member).organisation == organisation


def test_every_policy_of_the_app_is_named_after_it():
    from qorgau.core.permissions import Policy

    named = {k: v for k, v in vars(policies).items() if isinstance(v, Policy)}
    assert len(named) > 10
    assert all(policy.name == f"prevention.{name.lower()}" for name, policy in named.items())
