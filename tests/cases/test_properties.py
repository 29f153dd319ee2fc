"""Properties of the assignment policy, for any mix of prosecutors and cases (hypothesis)."""

from datetime import timedelta

from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from qorgau.cases import services
from qorgau.cases.enums import OPEN_STAGES
from qorgau.cases.models import Case, Prosecutor
from qorgau.core.enums import Role
from qorgau.core.models import CriminalArticle, Helpline, Region
from qorgau.core.reference import load_reference_data
from tests.factories import UserFactory

REGIONS = ["KZ-75", "KZ-71"]
prosecutors = st.lists(st.tuples(st.sampled_from(["f", "m"]), st.sampled_from(REGIONS)), max_size=8)
cases = st.lists(
    st.tuples(
        st.sampled_from(["120", "121", "124", "134", "312"]),
        st.sampled_from(REGIONS),
        st.sampled_from(["", "f", "m"]),
    ),
    min_size=1,
    max_size=20,
)


class AssignmentProperties(TestCase):
    def setup(self, people):
        if not Region.objects.exists():
            load_reference_data(Region, CriminalArticle, Helpline)
        rows = []
        for gender, code in people:
            user = UserFactory(
                role=Role.PROSECUTOR, gender=gender, region=Region.objects.get(code=code)
            )
            rows.append(Prosecutor.objects.create(user=user))
        return rows

    def register(self, items, *, preference=True):
        made = []
        for n, (article, code, prefers) in enumerate(items):
            made.append(
                services.case_create(
                    acting_user=None,
                    data=services.CaseInput(
                        registry_number=f"{900000 + n}",
                        articles=[article],
                        region_code=code,
                        victims=[
                            services.VictimInput(
                                age=10, preferred_prosecutor_gender=prefers if preference else ""
                            )
                        ],
                    ),
                )
            )
        return made

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(prosecutors, cases)
    def test_no_covered_case_goes_to_a_male_prosecutor_without_the_victims_wish(
        self, people, items
    ):
        self.setup(people)
        for case in self.register(items, preference=False):
            if case.covered and case.prosecutor is not None:
                assert case.prosecutor.user.gender == "f"

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(prosecutors, cases)
    def test_every_case_has_one_holder_or_a_reason(self, people, items):
        self.setup(people)
        self.register(items)
        for case in Case.objects.all():
            assert (case.prosecutor_id is None) != (case.unassigned_reason == "")

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        prosecutors,
        st.lists(
            st.tuples(st.sampled_from(["120", "121", "124"]), st.sampled_from(REGIONS)),
            min_size=1,
            max_size=25,
        ),
    )
    def test_after_a_batch_eligible_loads_differ_by_at_most_one(self, people, items):
        self.setup(people)
        self.register([(article, code, "") for article, code in items])
        for code in REGIONS:
            loads = [
                p.cases.filter(stage__in=OPEN_STAGES).count()
                for p in Prosecutor.objects.filter(user__region__code=code, user__gender="f")
            ]
            if loads:
                assert max(loads) - min(loads) <= 1
                assert sum(loads) == Case.objects.filter(region__code=code).count()
            else:
                assert not Case.objects.filter(region__code=code, prosecutor__isnull=False).exists()

    @settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(prosecutors, cases, st.integers(min_value=1, max_value=4))
    def test_tick_never_loses_or_duplicates_a_case(self, people, items, ticks):
        holders = self.setup(people)
        made = self.register(items)
        males = [p for p in holders if p.user.gender == "m"]
        for case in made[: len(made) // 2]:
            same_region = [p for p in males if p.user.region_id == case.region_id]
            if same_region:
                Case.objects.filter(pk=case.pk).update(
                    prosecutor=same_region[0], unassigned_reason=""
                )
        before = sorted(Case.objects.values_list("registry_number", flat=True))
        for n in range(ticks):
            services.handover_tick(now=timezone.now() + timedelta(days=4 * n))
        assert sorted(Case.objects.values_list("registry_number", flat=True)) == before
        for case in Case.objects.all():
            assert (case.prosecutor_id is None) != (case.unassigned_reason == "")
