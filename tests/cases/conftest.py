import pytest

from qorgau.cases.models import Prosecutor
from qorgau.core.enums import Role
from tests.factories import UserFactory


@pytest.fixture
def make_prosecutor(reference_data):
    from tests.factories import region

    def make(gender="f", code="KZ-75", capacity=20, **kwargs):
        user = UserFactory(role=Role.PROSECUTOR, gender=gender, region=region(code), **kwargs)
        return Prosecutor.objects.create(user=user, capacity=capacity)

    return make
