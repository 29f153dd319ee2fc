"""Demo data of the core app: one obviously synthetic user per role."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from qorgau.core import services
from qorgau.core.enums import Gender, Language, Role
from qorgau.core.models import Region, StaffTOTPDevice, User

HOME_REGION = "KZ-75"  # Almaty
OTHER_REGION = "KZ-71"  # Astana: the outsider, to show that regions do not see each other


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role
    region_code: str | None
    gender: str
    language: str
    full_name: str

    def describe(self) -> str:
        region = f", {self.region_code}" if self.region_code else ""
        return f"{self.role.label}{region}"


DEMO_USERS = [
    DemoUser("analyst", Role.ANALYST, HOME_REGION, Gender.FEMALE, Language.RUSSIAN, "Demo Analyst"),
    DemoUser(
        "analyst2", Role.ANALYST, OTHER_REGION, Gender.MALE, Language.KAZAKH, "Demo Analyst Two"
    ),
    DemoUser(
        "prosecutor",
        Role.PROSECUTOR,
        HOME_REGION,
        Gender.FEMALE,
        Language.RUSSIAN,
        "Demo Prosecutor",
    ),
    DemoUser(
        "chief", Role.REGIONAL_CHIEF, HOME_REGION, Gender.MALE, Language.RUSSIAN, "Demo Chief"
    ),
    DemoUser("central", Role.CENTRAL_OFFICE, None, Gender.FEMALE, Language.RUSSIAN, "Demo Central"),
    DemoUser(
        "clinician", Role.CLINICIAN, HOME_REGION, Gender.FEMALE, Language.RUSSIAN, "Demo Clinician"
    ),
    DemoUser(
        "police", Role.POLICE_SUPERVISOR, HOME_REGION, Gender.MALE, Language.KAZAKH, "Demo Police"
    ),
    DemoUser(
        "educator",
        Role.EDUCATION_COORDINATOR,
        HOME_REGION,
        Gender.FEMALE,
        Language.KAZAKH,
        "Demo Educator",
    ),
    DemoUser("partner", Role.PARTNER, None, Gender.FEMALE, Language.ENGLISH, "Demo Partner"),
    DemoUser(
        "security",
        Role.SECURITY_OFFICER,
        None,
        Gender.FEMALE,
        Language.RUSSIAN,
        "Demo Security Officer",
    ),
    DemoUser("admin", Role.ADMIN, None, "", Language.ENGLISH, "Demo Admin"),
]


def demo_logins_path() -> Path:
    return Path(settings.VAR_DIR) / "demo-logins.txt"


# Synthetic mobile numbers (+7 700 000 00 NN: a run of zeros no person has), so that the demo's
# urgent alerts go through the SMS backend too (under `make run`: files in var/sms/).
DEMO_MOBILES = {
    "analyst": "+77000000001",
    "analyst2": "+77000000002",
    "chief": "+77000000003",
    "central": "+77000000004",
    "police": "+77000000005",
    "prosecutor": "+77000000006",
    "clinician": "+77000000007",
}


def seed_core(*, rng: random.Random, passwords: dict[str, str]) -> list[User]:
    """Create the demo users (or give existing ones the new passwords)."""
    regions = {r.code: r for r in Region.objects.filter(code__in=[HOME_REGION, OTHER_REGION])}
    users = []
    for demo in DEMO_USERS:
        user = User.objects.filter(username=demo.username).first()
        if user is None:
            user = services.user_create(
                acting_user=None,
                username=demo.username,
                role=demo.role,
                password=passwords[demo.username],
                region=regions[demo.region_code] if demo.region_code else None,
                gender=demo.gender,
                language=demo.language,
                full_name=demo.full_name,
                email=f"{demo.username}@example.invalid",
                mobile=DEMO_MOBILES.get(demo.username, ""),
            )
        else:
            services.user_set_password(
                acting_user=None, user=user, password=passwords[demo.username]
            )
        users.append(user)
    demo_authenticators_ensure(users)
    demo_access_change_ensure(users, regions)
    demo_rota_ensure(users)
    return users


# The demo's duty rota: the analysts of both demo regions and the national desk (the central office)
# on duty on weekdays 09:00-18:00, nights and weekends uncovered, so that the coverage view shows its
# gaps, `tick` warns the chief and a P1 report at night reaches the chief and the national desk.
DEMO_ROTA = {"analyst": HOME_REGION, "analyst2": OTHER_REGION, "central": None}


def demo_rota_ensure(users: list[User]) -> None:
    from datetime import time

    from django.utils import timezone

    from qorgau.core.models import DutyPattern

    by_name = {u.username: u for u in users}
    today = timezone.localdate()
    for username, code in DEMO_ROTA.items():
        person = by_name[username]
        if DutyPattern.objects.filter(user=person).exists():
            continue
        planner = None  # the system plans the demo (as an import would)
        for weekday in range(5):
            services.duty_pattern_create(
                acting_user=planner,
                person=person,
                region=person.region if code else None,
                data=services.PatternInput(
                    weekday=weekday, starts=time(9), ends=time(18), valid_from=today
                ),
            )


def demo_access_change_ensure(users: list[User], regions: dict[str, Region]) -> None:
    """One change of access waiting for the security officer: the demo administrator asks for the
    analyst of Astana to move to Almaty (nothing changes until `security` approves it)."""
    from qorgau.core.models import AccessChange

    by_name = {u.username: u for u in users}
    analyst, admin = by_name["analyst2"], by_name["admin"]
    if AccessChange.objects.filter(user=analyst).exists():
        return
    services.access_change_request(
        acting_user=admin,
        user=analyst,
        role=analyst.role,
        region=regions[HOME_REGION],
        is_active=analyst.is_active,
        reason="Demo: moves to the Almaty office.",
    )


# The demo analyst of the home region starts on duty, so that a P1 report of that region reaches
# her at once ("my work now" and the alerts badge) without a step more.
DEMO_ON_DUTY = "analyst"


def demo_duty_start() -> None:
    """Put the home region's demo analyst on duty (after the demo's own reports, whose P1 alerts
    went to the chief and the national desk: her page starts with only what comes next)."""
    from qorgau.core.duty import is_on_duty

    user = User.objects.filter(username=DEMO_ON_DUTY, is_active=True).first()
    if user is not None and not is_on_duty(user):
        services.user_set_on_duty(user=user, on_duty=True)


def demo_authenticators_ensure(users: list[User]) -> None:
    """A random authenticator key per demo user: `manage.py demo_otp USERNAME` shows its code now."""
    for user in users:
        if not StaffTOTPDevice.objects.filter(user=user, confirmed=True).exists():
            StaffTOTPDevice.objects.create(user=user, name="demo authenticator", confirmed=True)
