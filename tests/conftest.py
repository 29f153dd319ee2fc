"""Personas: one user per role in Almaty (KZ-75), plus an outsider analyst of Astana (KZ-71).

Staff sign in with a password and a second factor. `client.force_login(user)` in these tests gives a
fully signed-in session: the `client` fixture is a `StaffClient`, whose force_login also passes the
second factor through django-otp's own `django_otp.login` with a real, confirmed TOTP device.
`client.force_login_password_only(user)` stops after the password, for tests of the second step.
"""

import pytest
from django.http import HttpRequest
from django.test import Client
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from qorgau.core.enums import Gender, Role
from qorgau.core.models import CriminalArticle, Helpline, Region
from qorgau.core.reference import load_reference_data
from tests.factories import UserFactory, region

PASSWORD = "correct horse battery staple"

# Speed is measured in bench/, not in tests: on a loaded 2-core machine one example of a property
# test can take longer than hypothesis's default 200 ms deadline, which made the suite flaky.
hypothesis_settings.register_profile("qorgau", deadline=None)
hypothesis_settings.load_profile("qorgau")


def totp_device_for(user):
    """The user's confirmed authenticator (created with a random key if they have none)."""
    from qorgau.core.models import StaffTOTPDevice

    device = StaffTOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = StaffTOTPDevice.objects.create(
            user=user, name="test authenticator", confirmed=True
        )
    return device


def totp_code(device) -> str:
    """The code an authenticator app would show now for `device`, one the device has not accepted."""
    import time

    from django_otp.oath import TOTP

    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:
        # This step's code was used: the next step's is accepted too (tolerance 1).
        totp.time += device.step * (device.last_t + 1 - totp.t())
    return f"{totp.token():0{device.digits}d}"


class StaffClient(Client):
    """A test client whose force_login signs staff in completely (password and second factor)."""

    def force_login(self, user, backend=None):
        import django_otp

        super().force_login(user, backend)
        device = totp_device_for(user)
        request = HttpRequest()
        request.session = self.session
        request.user = user
        django_otp.login(request, device)
        request.session.save()

    def force_login_password_only(self, user, backend=None):
        super().force_login(user, backend)


@pytest.fixture
def client():
    return StaffClient()


@pytest.fixture(autouse=True, scope="session")
def _flush_lifts_the_audit_triggers():
    """Transactional tests end with `flush`, which empties every table, the audit log too: its
    triggers refuse that (core migration 0009), so the test suite lifts them as `restore --force`
    does (a superuser on PostgreSQL). Nothing in the application flushes."""
    from django.core.management.commands import flush

    from qorgau.core.audit_guard import audit_triggers_lifted

    handle = flush.Command.handle

    def lifted(self, **options):
        with audit_triggers_lifted(options.get("database") or "default"):
            return handle(self, **options)

    flush.Command.handle = lifted
    yield
    flush.Command.handle = handle


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (the dashboard keeps its figures for a minute)."""
    from django.core.cache import cache

    from qorgau.core.selectors import region_cache_clear

    cache.clear()
    region_cache_clear()  # regions a test made are rolled back after it
    yield


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    """Each test starts with no text message sent (the locmem SMS backend, like mail.outbox)."""
    from qorgau.core import sms

    sms.outbox.clear()
    yield


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Code outside a request speaks English in tests, and no test leaks its language to the next."""
    with translation.override("en"):
        yield


@pytest.fixture
def reference_data(db):
    """Regions, articles and helplines (loaded by migration; reloaded after a transactional flush)."""
    if not Region.objects.exists():
        load_reference_data(Region, CriminalArticle, Helpline)


@pytest.fixture
def programme_data(transactional_db):
    """What the data migrations load (regions, articles, helplines, the first triage rules, the
    default assignment policy, child population, Static-99R, the shipped guidance pages), loaded
    again after a transactional flush.
    Each loader is idempotent. Transactional tests use this, never serialized_rollback: after
    another transactional test's flush, restoring its content types collides with the ones
    the flush recreated."""
    from importlib import import_module

    from django.apps import apps

    from qorgau.core.models import CriminalArticle, Helpline, Region
    from qorgau.core.reference import load_reference_data
    from qorgau.guidance.markup import load_shipped_guidance
    from qorgau.guidance.models import GuidancePage, GuidanceVersion

    if not Region.objects.exists():
        load_reference_data(Region, CriminalArticle, Helpline)
    import_module("qorgau.intake.migrations.0002_default_triage_rules").forwards(apps, None)
    import_module("qorgau.cases.migrations.0002_default_policy").forwards(apps, None)
    if not apps.get_model("analytics", "ChildPopulation").objects.exists():
        import_module("qorgau.analytics.migrations.0002_child_population").forwards(apps, None)
    if not apps.get_model("offenders", "RiskInstrument").objects.exists():
        import_module("qorgau.offenders.migrations.0002_static99r").forwards(apps, None)
    load_shipped_guidance(GuidancePage, GuidanceVersion)


@pytest.fixture
def guidance(db):
    """The shipped guidance (loaded by migration; reloaded after a transactional flush)."""
    from qorgau.guidance.markup import load_shipped_guidance
    from qorgau.guidance.models import GuidancePage, GuidanceVersion

    load_shipped_guidance(GuidancePage, GuidanceVersion)


@pytest.fixture
def almaty(reference_data):
    return region("KZ-75")


@pytest.fixture
def astana(reference_data):
    return region("KZ-71")


@pytest.fixture
def analyst(almaty):
    return UserFactory(username="analyst", role=Role.ANALYST, region=almaty)


@pytest.fixture
def outsider(astana):
    return UserFactory(username="outsider", role=Role.ANALYST, region=astana)


@pytest.fixture
def prosecutor(almaty):
    return UserFactory(username="prosecutor", role=Role.PROSECUTOR, region=almaty)


@pytest.fixture
def chief(almaty):
    return UserFactory(
        username="chief", role=Role.REGIONAL_CHIEF, region=almaty, gender=Gender.MALE
    )


@pytest.fixture
def central(reference_data):
    return UserFactory(username="central", role=Role.CENTRAL_OFFICE, region=None)


@pytest.fixture
def clinician(almaty):
    return UserFactory(username="clinician", role=Role.CLINICIAN, region=almaty)


@pytest.fixture
def police(almaty):
    return UserFactory(username="police", role=Role.POLICE_SUPERVISOR, region=almaty)


@pytest.fixture
def educator(almaty):
    return UserFactory(username="educator", role=Role.EDUCATION_COORDINATOR, region=almaty)


@pytest.fixture
def partner(reference_data):
    return UserFactory(username="partner", role=Role.PARTNER, region=None)


@pytest.fixture
def security_officer(reference_data):
    return UserFactory(username="security", role=Role.SECURITY_OFFICER, region=None)


@pytest.fixture
def admin_user(reference_data):
    return UserFactory(username="admin", role=Role.ADMIN, region=None, gender="")


@pytest.fixture
def personas(
    analyst,
    outsider,
    prosecutor,
    chief,
    central,
    clinician,
    police,
    educator,
    partner,
    security_officer,
    admin_user,
):
    return {
        "analyst": analyst,
        "outsider": outsider,
        "prosecutor": prosecutor,
        "chief": chief,
        "central": central,
        "clinician": clinician,
        "police": police,
        "educator": educator,
        "partner": partner,
        "security": security_officer,
        "admin": admin_user,
    }
