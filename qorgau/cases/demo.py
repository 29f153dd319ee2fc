"""Demo data of the cases app: synthetic prosecutors and cases, through the real services."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from qorgau.cases import services
from qorgau.cases.models import Case, Prosecutor
from qorgau.core import services as core_services
from qorgau.core.enums import Role
from qorgau.core.models import Region, User

# (username, gender, region): Shymkent (KZ-79) has only a male prosecutor, so its covered cases wait
# in the chief's queue and show in the staffing gap.
PROSECUTORS = [
    ("pros_aigul", "f", "KZ-75"),
    ("pros_dana", "f", "KZ-75"),
    ("pros_marat", "m", "KZ-75"),
    ("pros_serik", "m", "KZ-75"),
    ("pros_aliya", "f", "KZ-71"),
    ("pros_nurlan", "m", "KZ-79"),
]


def seed(*, rng: random.Random) -> list[str]:
    if Case.objects.exists():
        return []
    regions = {r.code: r for r in Region.objects.filter(code__in=["KZ-75", "KZ-71", "KZ-79"])}
    demo = User.objects.filter(username="prosecutor").first()
    if demo is not None:
        Prosecutor.objects.get_or_create(user=demo)
    for username, gender, code in PROSECUTORS:
        user = User.objects.filter(username=username).first() or core_services.user_create(
            acting_user=None,
            username=username,
            role=Role.PROSECUTOR,
            password=None,
            region=regions[code],
            gender=gender,
            full_name=f"Demo Prosecutor {username.split('_')[1].title()}",
            email=f"{username}@example.invalid",
        )
        Prosecutor.objects.get_or_create(user=user, defaults={"capacity": rng.choice([15, 20, 25])})
    # cases held by male prosecutors from before the policy: they must be handed over
    policy = services.policy_in_force()
    marat = Prosecutor.objects.get(user__username="pros_marat")
    count = 0
    for n in range(24):
        code = rng.choice(["KZ-75", "KZ-75", "KZ-75", "KZ-71", "KZ-79"])
        articles = [rng.choice(["120", "121", "122", "124", "134", "312"])]
        case = services.case_create(
            acting_user=None,
            data=services.CaseInput(
                registry_number=f"26{rng.randint(10**12, 10**13 - 1)}",
                articles=articles,
                region_code=code,
                victims=[
                    services.VictimInput(age=rng.randint(6, 17), gender=rng.choice(["f", "m"]))
                ],
                opened_on=timezone.localdate() - timedelta(days=rng.randint(0, 300)),
            ),
        )
        count += 1
        if n < 4 and code == "KZ-75" and policy is not None:
            # as if assigned before the policy: the handover board shows them
            Case.objects.filter(pk=case.pk).update(prosecutor=marat, unassigned_reason="")
    services.handover_tick()
    return [f"# {count} demo criminal cases; prosecutors: " + ", ".join(p[0] for p in PROSECUTORS)]
