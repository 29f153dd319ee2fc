"""Reads of the prevention app: coverage against the target, the cascade tree, scoping."""

import pytest
from django.http import Http404
from hypothesis import given
from hypothesis import strategies as st

from qorgau.core.models import Region
from qorgau.prevention import selectors, services
from qorgau.prevention.models import PartnerReferral
from tests.prevention.conftest import done_round

pytestmark = pytest.mark.django_db


# --- Apportioning the 300 -------------------------------------------------------------------------


def test_the_target_is_split_by_the_largest_remainder():
    assert selectors.apportion({"a": 1, "b": 1, "c": 1}, 300) == {"a": 100, "b": 100, "c": 100}
    assert selectors.apportion({"a": 2, "b": 1}, 10) == {"a": 7, "b": 3}
    assert selectors.apportion({"a": 1, "b": 1, "c": 1}, 10) == {"a": 4, "b": 3, "c": 3}
    assert selectors.apportion({"a": 0, "b": 0}, 300) == {"a": 0, "b": 0}


@given(st.dictionaries(st.integers(0, 30), st.integers(0, 5000), min_size=1, max_size=20))
def test_the_targets_always_add_up_to_exactly_the_total(weights):
    result = selectors.apportion(weights, 300)
    if sum(weights.values()):
        assert sum(result.values()) == 300
        for key, weight in weights.items():
            exact = 300 * weight / sum(weights.values())
            assert abs(result[key] - exact) < 1
    else:
        assert set(result.values()) == {0}


def test_regions_share_the_300_by_their_schools(make_school):
    for _ in range(3):
        make_school(code="KZ-75")
    make_school(code="KZ-71")
    targets = selectors.master_trainer_targets()
    assert sum(targets.values()) == 300 and len(targets) == 20
    assert (
        targets[Region.objects.get(code="KZ-75").pk],
        targets[Region.objects.get(code="KZ-71").pk],
    ) == (225, 75)


# --- Coverage -------------------------------------------------------------------------------------


@pytest.fixture
def programme(make_school, make_teacher, certify):
    big = make_school(pupils=1000)
    small = make_school(pupils=200)
    make_school(pupils=300)  # no trained teacher yet
    master = make_teacher(school=big, master=True)
    first = make_teacher(school=small)
    certify(master, [first])
    second = make_teacher(school=small)
    certify(first, [second])
    make_teacher(school=small)  # registered, not certified
    astana = make_school(code="KZ-71", pupils=400)
    make_teacher(school=astana, master=True)
    return {"master": master, "first": first, "second": second}


def test_the_coordinator_sees_their_region_against_its_target(educator, programme):
    coverage = selectors.coverage_for_user(user=educator)
    assert coverage.national is None and len(coverage.rows) == 1
    row = coverage.rows[0]
    assert row.region.code == "KZ-75" and row.target == 225
    assert (row.master_trainers, row.teachers_trained) == (1, 2)
    assert (row.schools_covered, row.schools, row.pupils_covered, row.pupils) == (2, 3, 1200, 1500)
    assert row.levels == {0: 1, 1: 1, 2: 1} and row.schools_percent == 67


def test_the_central_office_sees_every_region_and_the_nation(central, programme):
    coverage = selectors.coverage_for_user(user=central)
    assert len(coverage.rows) == 20
    national = coverage.national
    assert (national.target, national.master_trainers, national.teachers_trained) == (300, 2, 2)
    assert (national.schools_covered, national.schools) == (3, 4)
    empty = next(r for r in coverage.rows if r.region.code == "KZ-10")
    assert empty.band == "none" and empty.schools_percent is None


def test_roles_outside_the_programme_see_no_coverage(analyst, partner, programme):
    assert selectors.coverage_for_user(user=analyst).rows == []
    assert selectors.coverage_for_user(user=partner).rows == []


def test_round_figures_count_this_school_year(educator, make_school):
    school = make_school()
    done_round(school, concerns=3)
    figures = selectors.round_figures_for_user(user=educator)
    assert (figures.schools, figures.done, figures.concerns_raised, figures.not_planned) == (
        1,
        1,
        3,
        0,
    )


# --- The cascade ----------------------------------------------------------------------------------


def test_the_cascade_is_a_tree_in_pre_order(educator, programme):
    nodes = selectors.cascade_for_user(user=educator)
    assert [(n.teacher["pk"], n.depth, n.below) for n in nodes] == [
        (programme["master"].pk, 0, 2),
        (programme["first"].pk, 1, 1),
        (programme["second"].pk, 2, 0),
    ]
    below = selectors.cascade_below(user=educator, teacher=programme["first"])
    assert [n.teacher["pk"] for n in below] == [programme["first"].pk, programme["second"].pk]
    assert selectors.cascade_above(teacher=programme["second"]) == [
        programme["first"],
        programme["master"],
    ]


def test_other_regions_are_not_found(educator, programme, make_teacher):
    stranger = make_teacher(code="KZ-71")
    with pytest.raises(Http404):
        selectors.teacher_get_for_user(user=educator, public_id=stranger.public_id)
    with pytest.raises(Http404):
        selectors.school_get_for_user(user=educator, public_id=stranger.school.public_id)
    with pytest.raises(Http404):
        selectors.region_get_for_user(user=educator, code="KZ-71")
    assert all(t.region.code == "KZ-75" for t in selectors.teacher_list_for_user(user=educator))


# --- Partners -------------------------------------------------------------------------------------


@pytest.fixture
def referrals(analyst, outsider, organisation, partner_member):
    from qorgau.intake import services as intake
    from qorgau.prevention.models import PartnerOrganisation

    other = PartnerOrganisation.objects.create(name="Other NGO", kind="ngo")

    def refer(user, code, to):
        report = intake.report_submit(
            draft=intake.ReportDraft(category="grooming", narrative="n", region_code=code),
            submitter=intake.Submitter(source="web"),
        ).report
        return services.partner_referral_from_report(
            acting_user=user, report=report, organisation=to, note="note"
        )

    return [
        refer(analyst, "KZ-75", organisation),
        refer(outsider, "KZ-71", organisation),
        refer(analyst, "KZ-75", other),
    ]


def test_a_partner_sees_only_what_was_referred_to_them(partner_member, referrals):
    seen = list(selectors.partner_referral_list_for_user(user=partner_member))
    assert seen == [referrals[1], referrals[0]]
    with pytest.raises(Http404):
        selectors.partner_referral_get_for_user(
            user=partner_member, public_id=referrals[2].public_id
        )


def test_a_partner_user_without_an_organisation_sees_nothing(referrals):
    from qorgau.core.enums import Role
    from tests.factories import UserFactory

    loner = UserFactory(role=Role.PARTNER, region=None)
    assert not selectors.partner_referral_list_for_user(user=loner).exists()


def test_analysts_see_the_referrals_of_their_region(analyst, central, referrals):
    assert set(selectors.partner_referral_list_for_user(user=analyst)) == {
        referrals[0],
        referrals[2],
    }
    assert selectors.partner_referral_list_for_user(user=central).count() == 3


def test_partner_figures_are_counts_by_status_and_region(partner_member, referrals):
    figures = selectors.partner_figures_for_user(user=partner_member)
    assert figures.total == 2
    assert dict(figures.by_status)["Sent"] == 2
    assert sorted((name, total) for name, _counts, total in figures.by_region) == [
        ("Almaty", 1),
        ("Astana", 1),
    ]
    assert PartnerReferral.objects.count() == 3
