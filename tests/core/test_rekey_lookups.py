"""`manage.py rekey_lookups` and migration core 0008: the way from SECRET_KEY-keyed values (and
from a previous lookup key) to the current lookup key."""

import importlib
import io
from datetime import date

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from qorgau.core import services as core_services
from qorgau.core.derived_keys import IIN_LOOKUP, is_current, is_legacy, keyed_digest
from qorgau.core.keys import generate_master_key
from qorgau.core.models import TokenBucket
from qorgau.intake import services as intake_services
from qorgau.intake.enums import Source
from qorgau.intake.models import Report
from qorgau.intake.selectors import report_ids_for_identifier
from qorgau.linking.identifiers import Found
from qorgau.linking.models import Identifier, IdentifierUse
from qorgau.linking.selectors import subject_by_identifier
from qorgau.offenders import iin
from qorgau.offenders import services as offender_services
from qorgau.offenders.models import Facility, Person
from tests.core import before_lookup_key as before

pytestmark = pytest.mark.django_db
ADDRESS = "192.0.2.1"  # the address receipt codes are tried from (TEST-NET-1)

TELEGRAM = intake_services.Identifier(kind="telegram", value="@synthetic_rekey")
PHONE = intake_services.Identifier(kind="phone", value="+7 701 555 44 33")
MIGRATION = importlib.import_module("qorgau.core.migrations.0008_derived_lookup_keys")


def rekey(*args: str) -> str:
    out = io.StringIO()
    call_command("rekey_lookups", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def facility(almaty):
    return Facility.objects.create(name="Synthetic Facility", region=almaty)


BORN = date(1979, 4, 2)
IIN = iin.make(BORN, "m", 3)


def register(facility, *, value=IIN, as_before=True) -> Person:
    """A register entry whose IIN lookup is as the code before the lookup key wrote it, or as the
    code now writes it (set here: the register's service is switched over at the merge)."""
    person = offender_services.person_create(
        acting_user=None,
        data=offender_services.PersonInput(
            full_name="Synthetic Person", date_of_birth=BORN, iin=value, facility=facility
        ),
    )
    lookup = before.iin_lookup(value) if as_before else keyed_digest(IIN_LOOKUP, value)
    Person.objects.filter(pk=person.pk).update(iin_lookup=lookup)
    return person


def iin_taken(value=IIN) -> bool:
    """What the register checks before a new entry: is this IIN's lookup already there."""
    return Person.objects.filter(iin_lookup=keyed_digest(IIN_LOOKUP, value)).exists()


@pytest.fixture
def installation_of_before(reference_data, analyst, facility, settings):
    """An installation as it was before the lookup key: a report with identifiers, a receipt code,
    recovery codes, a register entry; the upgrade pinned its SECRET_KEY, which was then rotated."""
    report, code = before.make_report_as_before(identifiers=[TELEGRAM, PHONE])
    recovery = before.recovery_codes_as_before(analyst)
    person = register(facility)
    TokenBucket.objects.create(key="0" * 40, tokens=1, updated_at=report.created_at)
    settings.QORGAU_LEGACY_SECRET_KEYS = [settings.SECRET_KEY]
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "rotated-" + "q" * 50, []
    return {"report": report, "code": code, "recovery": recovery, "person": person}


def test_it_rewrites_identifier_and_iin_lookups_and_counts_what_it_cannot(installation_of_before):
    out = rekey()
    assert "identifier lookups: 2 rewritten, 0 current" in out
    assert "IIN lookups: 1 rewritten, 0 current" in out
    assert "receipt locators (cannot be recomputed): 0 current, 1 under SECRET_KEY" in out
    assert "recovery codes (cannot be recomputed): 0 current, 3 under SECRET_KEY" in out
    assert "rate-limit buckets: 0 current, 1 dropped" in out
    assert "Keep configured" in out
    assert all(is_current(row.lookup) for row in Identifier.objects.all())
    assert is_current(Person.objects.get().iin_lookup)
    assert not TokenBucket.objects.exists()


def test_it_is_idempotent_and_afterwards_works_without_legacy_keys(
    installation_of_before, analyst, facility, settings
):
    rekey()
    lookups = sorted(Identifier.objects.values_list("lookup", flat=True))
    again = rekey()
    assert "identifier lookups: 0 rewritten, 2 current" in again
    assert "IIN lookups: 0 rewritten, 1 current" in again
    assert sorted(Identifier.objects.values_list("lookup", flat=True)) == lookups
    # the receipt and recovery codes: rewritten as they are used
    report = intake_services.report_open_with_receipt(
        code_text=installation_of_before["code"], address=ADDRESS
    )
    from qorgau.intake import receipts

    receipts.locator_refresh(
        report_id=report.pk, stored=report.receipt_locator, code=installation_of_before["code"]
    )
    core_services.recovery_codes_replace(user=analyst)
    assert "Nothing is left under an old key" in rekey()

    settings.QORGAU_LEGACY_SECRET_KEYS = []
    found = Found("telegram", "synthetic_rekey")
    assert subject_by_identifier(found=found) is not None
    assert report_ids_for_identifier("@synthetic_rekey") == [report.pk]
    opened = intake_services.report_open_with_receipt(
        code_text=installation_of_before["code"], address=ADDRESS
    )
    assert opened.pk == report.pk
    assert iin_taken()


def test_a_dry_run_counts_and_changes_nothing(installation_of_before):
    lookups = sorted(Identifier.objects.values_list("lookup", flat=True))
    out = rekey("--dry-run")
    assert "identifier lookups: 2 to rewrite" in out and "1 to drop" in out
    assert sorted(Identifier.objects.values_list("lookup", flat=True)) == lookups
    assert TokenBucket.objects.count() == 1 and is_legacy(Person.objects.get().iin_lookup)


def test_a_twin_written_while_the_old_key_was_not_configured_is_merged(reference_data, settings):
    first, _code = before.make_report_as_before(identifiers=[TELEGRAM])
    settings.QORGAU_LEGACY_SECRET_KEYS = []  # forgotten: the next report makes a twin
    second = intake_services.report_submit(
        draft=intake_services.ReportDraft(
            category="grooming", narrative="Synthetic narrative", identifiers=[TELEGRAM]
        ),
        submitter=intake_services.Submitter(source=Source.WEB),
    ).report
    assert Identifier.objects.filter(kind="telegram").count() == 2
    out = rekey()
    assert "1 merged into their twin" in out and "relink" in out
    row = Identifier.objects.get(kind="telegram")
    assert is_current(row.lookup)
    owners = sorted(IdentifierUse.objects.filter(identifier=row).values_list("owner_id", flat=True))
    assert owners == sorted([first.pk, second.pk])
    call_command("relink", stdout=io.StringIO())
    assert report_ids_for_identifier("@synthetic_rekey") == owners


def test_after_a_change_of_lookup_key_it_moves_everything_it_can_to_the_new_key(
    reference_data, facility, settings
):
    submission = intake_services.report_submit(
        draft=intake_services.ReportDraft(
            category="grooming", narrative="Synthetic narrative", identifiers=[TELEGRAM]
        ),
        submitter=intake_services.Submitter(source=Source.WEB),
    )
    register(facility, as_before=False)
    old = settings.QORGAU_LOOKUP_KEY
    settings.QORGAU_LOOKUP_KEY, settings.QORGAU_PREVIOUS_LOOKUP_KEYS = generate_master_key(), [old]
    out = rekey()
    assert "identifier lookups: 1 rewritten" in out and "IIN lookups: 1 rewritten" in out
    old_id = Report.objects.get().receipt_locator[:4]
    assert f"receipt locators (cannot be recomputed): 0 current, 1 under key {old_id}" in out
    settings.QORGAU_PREVIOUS_LOOKUP_KEYS = []
    assert subject_by_identifier(found=Found("telegram", "synthetic_rekey")) is not None
    with pytest.raises(intake_services.ReceiptRefused):  # the old key was dropped too early
        intake_services.report_open_with_receipt(code_text=submission.receipt_code, address=ADDRESS)


def test_a_register_entry_sharing_an_iin_is_reported_not_overwritten(
    reference_data, facility, settings
):
    person = register(facility)  # as before the lookup key
    # a second entry of the same IIN, not seen as a duplicate when the old key was not configured
    twin = register(facility, value=iin.make(BORN, "m", 4), as_before=False)
    twin.iin = IIN
    twin.save(update_fields=["iin"])
    Person.objects.filter(pk=twin.pk).update(iin_lookup=keyed_digest(IIN_LOOKUP, IIN))
    out = rekey()
    assert f"1 left: another register entry holds the same IIN (entries {person.pk};" in out
    assert is_legacy(Person.objects.get(pk=person.pk).iin_lookup)
    assert is_current(Person.objects.get(pk=twin.pk).iin_lookup)


# --- Migration core 0008 --------------------------------------------------------------------------


def test_the_upgrade_is_refused_until_the_old_secret_key_is_pinned(reference_data, settings):
    before.make_report_as_before(identifiers=[TELEGRAM])
    settings.QORGAU_LEGACY_SECRET_KEYS = []
    with pytest.raises(ImproperlyConfigured, match="set QORGAU_LEGACY_SECRET_KEYS"):
        MIGRATION.upgrade(apps, None)
    settings.QORGAU_LEGACY_SECRET_KEYS = ["not-the-secret-key-that-keyed-them"]
    with pytest.raises(ImproperlyConfigured, match="does not hold the SECRET_KEY"):
        MIGRATION.upgrade(apps, None)
    settings.QORGAU_LEGACY_SECRET_KEYS = ["another-old-one", settings.SECRET_KEY]
    MIGRATION.upgrade(apps, None)


def test_the_upgrade_recomputes_the_registers_iin_lookups(reference_data, facility, settings):
    person = register(facility)
    settings.QORGAU_LEGACY_SECRET_KEYS = [settings.SECRET_KEY]
    MIGRATION.upgrade(apps, None)
    MIGRATION.upgrade(apps, None)  # twice: nothing more to do
    assert is_current(Person.objects.get(pk=person.pk).iin_lookup)
    settings.QORGAU_LEGACY_SECRET_KEYS = []
    assert iin_taken()


def test_the_register_keys_iins_with_the_lookup_key():
    assert offender_services.iin_lookup(IIN) == keyed_digest(IIN_LOOKUP, IIN)


def test_a_fresh_installation_upgrades_without_any_key(db, settings):
    settings.QORGAU_LOOKUP_KEY = None
    MIGRATION.upgrade(apps, None)
