"""Rows as Qorgau wrote them before the lookup key: every keyed value made by Django's salted_hmac
with SECRET_KEY, exactly as the code of then did (spelled out here, not taken from the code now)."""

from django.conf import settings
from django.utils.crypto import salted_hmac


def receipt_locator(code: str, secret: str | None = None) -> str:
    # intake/receipts.py: salted_hmac("qorgau.intake.receipt", code[:8], secret=key).hexdigest()
    return salted_hmac(
        "qorgau.intake.receipt", code[:8], secret=secret or settings.SECRET_KEY
    ).hexdigest()


def identifier_lookup(kind: str, value: str) -> str:
    # linking/services.py: salted_hmac("qorgau.linking.identifier", f"{kind}:{value}").hexdigest()
    return salted_hmac("qorgau.linking.identifier", f"{kind}:{value}").hexdigest()


def recovery_token(code: str) -> str:
    # core/services.py: salted_hmac(RECOVERY_SALT, code, secret=secret).hexdigest()[:16]
    code = "".join(code.split()).lower()
    return salted_hmac("qorgau.core.recovery_code", code, secret=settings.SECRET_KEY).hexdigest()[
        :16
    ]


def iin_lookup(value: str) -> str:
    # offenders/services.py: salted_hmac("qorgau.offenders.iin", value).hexdigest()
    return salted_hmac("qorgau.offenders.iin", value).hexdigest()


def make_report_as_before(**draft):
    """A report submitted, then its receipt locator and identifier lookups rewritten as the code of
    before the lookup key stored them. Returns (report, receipt code)."""
    from qorgau.intake import services
    from qorgau.intake.enums import Source
    from qorgau.intake.models import Report
    from qorgau.linking.models import Identifier

    submission = services.report_submit(
        draft=services.ReportDraft(category="grooming", narrative="Synthetic narrative", **draft),
        submitter=services.Submitter(source=Source.WEB),
    )
    report, code = submission.report, submission.receipt_code
    Report.objects.filter(pk=report.pk).update(receipt_locator=receipt_locator(code))
    for row in Identifier.objects.filter(
        uses__owner_type="intake.report", uses__owner_id=report.pk
    ):
        Identifier.objects.filter(pk=row.pk).update(lookup=identifier_lookup(row.kind, row.value))
    return report, code


def recovery_codes_as_before(user) -> list[str]:
    """Recovery codes handed out before the lookup key (their tokens keyed with SECRET_KEY)."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(3)]
    for code in codes:
        StaticToken.objects.create(device=device, token=recovery_token(code))
    return codes
