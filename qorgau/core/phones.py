"""Staff mobile numbers (placeholder until the sms branch's version is merged)."""

from __future__ import annotations

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MESSAGE = _("Enter a mobile number, for example +7 701 123 45 67.")


def normalise_mobile(value: str) -> str:
    try:
        number = phonenumbers.parse(value, "KZ")
    except phonenumbers.NumberParseException:
        raise ValidationError(MESSAGE, code="invalid_mobile") from None
    if not phonenumbers.is_valid_number(number) or phonenumbers.number_type(number) not in (
        phonenumbers.PhoneNumberType.MOBILE,
    ):
        raise ValidationError(MESSAGE, code="invalid_mobile")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_mobile(value: str) -> None:
    if value:
        normalise_mobile(value)
