"""Rotating SECRET_KEY logs people out and nothing else; what was handed out before the lookup key
keeps working once the SECRET_KEY that keyed it is pinned in QORGAU_LEGACY_SECRET_KEYS."""

import pytest

from qorgau.core import services as core_services
from qorgau.core.derived_keys import is_current
from qorgau.intake import receipts
from qorgau.intake import services as intake_services
from qorgau.intake.enums import Source
from qorgau.intake.models import Report
from qorgau.intake.selectors import report_ids_for_identifier
from qorgau.linking.identifiers import Found
from qorgau.linking.models import Identifier
from qorgau.linking.selectors import subject_by_identifier
from tests.core import before_lookup_key as before

pytestmark = pytest.mark.django_db
ADDRESS = "192.0.2.1"  # the address receipt codes are tried from (TEST-NET-1)

TELEGRAM = intake_services.Identifier(kind="telegram", value="@synthetic_rotation")


def submit(**draft):
    return intake_services.report_submit(
        draft=intake_services.ReportDraft(
            category="grooming", narrative="Synthetic narrative", **draft
        ),
        submitter=intake_services.Submitter(source=Source.WEB),
    )


def rotate_secret_key(settings):
    """A new SECRET_KEY and no fallback: every session signed before ends."""
    settings.SECRET_KEY = "rotated-secret-key-" + "z" * 40
    settings.SECRET_KEY_FALLBACKS = []


def test_a_receipt_code_opens_its_report_after_a_secret_key_rotation(reference_data, settings):
    submission = submit()
    rotate_secret_key(settings)
    opened = intake_services.report_open_with_receipt(
        code_text=submission.receipt_code, address=ADDRESS
    )
    assert opened.pk == submission.report.pk


def test_identifier_search_finds_its_subject_after_a_secret_key_rotation(reference_data, settings):
    submission = submit(identifiers=[TELEGRAM])
    subject = subject_by_identifier(found=Found("telegram", "synthetic_rotation"))
    assert subject is not None
    rotate_secret_key(settings)
    assert subject_by_identifier(found=Found("telegram", "synthetic_rotation")) == subject
    assert report_ids_for_identifier("@synthetic_rotation") == [submission.report.pk]
    again = submit(identifiers=[TELEGRAM])  # a new report joins the same identifier row
    assert Identifier.objects.filter(kind="telegram").count() == 1
    assert subject_by_identifier(found=Found("telegram", "synthetic_rotation")) == subject
    assert sorted(report_ids_for_identifier("@synthetic_rotation")) == sorted(
        [submission.report.pk, again.report.pk]
    )


def test_a_recovery_code_works_after_a_secret_key_rotation(analyst, settings):
    codes = core_services.recovery_codes_replace(user=analyst)
    rotate_secret_key(settings)
    assert core_services.otp_verify(user=analyst, token=codes[0], ip=None) is not None


def test_rate_limits_hold_across_a_secret_key_rotation(db, settings):
    for _ in range(2):
        assert core_services.rate_limit_take(
            scope="receipt", value="203.0.113.9", capacity=2, per_seconds=600
        )
    rotate_secret_key(settings)
    assert not core_services.rate_limit_take(
        scope="receipt", value="203.0.113.9", capacity=2, per_seconds=600
    )


# --- Handed out before the lookup key -------------------------------------------------------------


def test_a_receipt_code_handed_out_before_the_lookup_key_still_opens_its_report(
    reference_data, settings
):
    report, code = before.make_report_as_before()
    settings.QORGAU_LEGACY_SECRET_KEYS = [settings.SECRET_KEY]
    assert intake_services.report_open_with_receipt(code_text=code, address=ADDRESS).pk == report.pk
    rotate_secret_key(settings)  # pinned, the old secret no longer depends on SECRET_KEY
    assert intake_services.report_open_with_receipt(code_text=code, address=ADDRESS).pk == report.pk


def test_without_the_pinned_secret_an_old_receipt_code_opens_nothing(reference_data, settings):
    _report, code = before.make_report_as_before()
    settings.QORGAU_LEGACY_SECRET_KEYS = []
    with pytest.raises(intake_services.ReceiptRefused):
        intake_services.report_open_with_receipt(code_text=code, address=ADDRESS)


def test_an_old_locator_is_rewritten_under_the_lookup_key_once_its_code_is_used(
    reference_data, settings
):
    report, code = before.make_report_as_before()
    settings.QORGAU_LEGACY_SECRET_KEYS = [settings.SECRET_KEY]
    stored = Report.objects.get(pk=report.pk).receipt_locator
    assert receipts.locator_refresh(report_id=report.pk, stored=stored, code=code)
    refreshed = Report.objects.get(pk=report.pk).receipt_locator
    assert refreshed == receipts.locators(code)[0] != stored
    assert not receipts.locator_refresh(report_id=report.pk, stored=refreshed, code=code)
    settings.QORGAU_LEGACY_SECRET_KEYS = []
    assert intake_services.report_open_with_receipt(code_text=code, address=ADDRESS).pk == report.pk


def test_a_recovery_code_handed_out_before_the_lookup_key_still_works(analyst, settings):
    codes = before.recovery_codes_as_before(analyst)
    settings.QORGAU_LEGACY_SECRET_KEYS = [settings.SECRET_KEY]
    rotate_secret_key(settings)
    assert core_services.otp_verify(user=analyst, token=codes[0], ip=None) is not None
    settings.QORGAU_LEGACY_SECRET_KEYS = []
    assert core_services.otp_verify(user=analyst, token=codes[1], ip=None) is None


def test_an_identifier_stored_before_the_lookup_key_is_found_and_joined_not_doubled(
    reference_data, settings
):
    first, _code = before.make_report_as_before(identifiers=[TELEGRAM])
    settings.QORGAU_LEGACY_SECRET_KEYS = [settings.SECRET_KEY]
    rotate_secret_key(settings)
    found = Found("telegram", "synthetic_rotation")
    subject = subject_by_identifier(found=found)
    assert subject is not None
    assert report_ids_for_identifier("@synthetic_rotation") == [first.pk]
    second = submit(identifiers=[TELEGRAM])
    row = Identifier.objects.get(kind="telegram")  # the old row, now under the lookup key
    assert is_current(row.lookup)
    assert subject_by_identifier(found=found) == subject
    assert sorted(report_ids_for_identifier("@synthetic_rotation")) == sorted(
        [first.pk, second.report.pk]
    )


def test_opening_a_report_with_an_old_code_moves_its_locator_to_the_lookup_key(
    reference_data, settings
):
    report, code = before.make_report_as_before()
    settings.QORGAU_LEGACY_SECRET_KEYS = [settings.SECRET_KEY]
    assert intake_services.report_open_with_receipt(code_text=code, address=ADDRESS).pk == report.pk
    assert Report.objects.get(pk=report.pk).receipt_locator == receipts.locators(code)[0]
    # the old secret can now be dropped: the code still opens its report
    settings.QORGAU_LEGACY_SECRET_KEYS = []
    assert intake_services.report_open_with_receipt(code_text=code, address=ADDRESS).pk == report.pk
