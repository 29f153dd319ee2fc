import factory

from qorgau.core.enums import Gender, Language, Role
from qorgau.core.models import Region, User


def region(code: str = "KZ-75") -> Region:
    return Region.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Test Person {n}")
    role = Role.ANALYST
    region = factory.LazyFunction(region)
    gender = Gender.FEMALE
    language = Language.ENGLISH  # tests read English text; the language tests set their own
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def on_duty(user: User, *, hours: int = 8):
    """Put `user` on the duty rota from now for `hours` (a shift, as the chief would plan it):
    what `on_duty=True` was before the rota. Returns the shift."""
    from datetime import timedelta

    from django.utils import timezone

    from qorgau.core.models import DutyShift

    now = timezone.now()
    return DutyShift.objects.create(
        user=user,
        region=user.region,
        starts_at=now - timedelta(minutes=1),
        ends_at=now + timedelta(hours=hours),
    )
