"""visible_to(): the one place that decides which rows each role sees."""

import pytest

from qorgau.core.permissions import visible_to
from tests.testapp.models import Dossier, Unruled

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossiers(almaty, astana, prosecutor, personas):
    return {
        "almaty": Dossier.objects.create(title="almaty", region=almaty),
        "almaty_own": Dossier.objects.create(title="almaty-own", region=almaty, owner=prosecutor),
        "astana": Dossier.objects.create(title="astana", region=astana),
    }


def titles(user) -> set[str]:
    return set(Dossier.objects.visible_to(user).values_list("title", flat=True))


EXPECTED = {
    "central": {"almaty", "almaty-own", "astana"},
    "chief": {"almaty", "almaty-own"},
    "analyst": {"almaty", "almaty-own"},
    "outsider": {"astana"},
    "prosecutor": {"almaty-own"},
    # roles the model does not name see nothing, administrators included
    "clinician": set(),
    "police": set(),
    "educator": set(),
    "partner": set(),
    "admin": set(),
}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_each_role_sees_exactly_its_rows(dossiers, personas, persona):
    assert titles(personas[persona]) == EXPECTED[persona]


def test_it_hides_everything_from_anonymous_and_inactive_users(dossiers, analyst):
    from django.contrib.auth.models import AnonymousUser

    assert titles(AnonymousUser()) == set()
    analyst.is_active = False
    assert titles(analyst) == set()


def test_a_regional_role_without_a_region_sees_nothing(dossiers, analyst):
    analyst.region = None  # as if the constraint had been bypassed
    analyst.region_id = None
    assert titles(analyst) == set()


def test_a_model_without_rules_refuses_to_be_queried(central):
    with pytest.raises(TypeError, match="declares no Visibility"):
        visible_to(Unruled.objects.all(), central)
