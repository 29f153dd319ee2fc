"""Staff mobile numbers: the one number an urgent alert is sent to by SMS.

`normalise_mobile` takes a number as people write it (`8 701 123 45 67`, `+7 (701) 123-45-67`)
and gives it in international form (E.164, `+77011234567`), or refuses it with a message saying
how to write one. It must be a mobile number: the metadata of `phonenumbers` tells Kazakh mobiles
(+7 700-708, 747, 771, 775-778) from landlines (+7 727 Almaty, +7 7172 Astana), so an office
number, which no SMS reaches, cannot be saved. A mobile number abroad is accepted; where a
country's numbering cannot tell mobiles from landlines (the United States, say), so is a number
that may be either.
"""

from __future__ import annotations

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DEFAULT_REGION = "KZ"
MOBILE_TYPES = frozenset(
    {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
)
# What a written number may hold besides digits: a leading plus, spaces, dashes, brackets, dots.
# Letters (phonenumbers would read "FLOWERS" as digits) and extensions are refused.
_ALLOWED = frozenset("+-().0123456789")
_MAX_LENGTH = 40

INVALID_MOBILE = _("Enter a mobile number, for example +7 701 123 45 67.")


def normalise_mobile(value: str) -> str:
    """`value` as a mobile number in E.164 form (`+77011234567`); raises ValidationError (code
    "invalid_mobile") for anything that is not one. Without a country code the number is read
    as Kazakh, trunk prefix 8 included (`8 701 123 45 67`)."""
    text = (value or "").strip()
    if (
        not text
        or len(text) > _MAX_LENGTH
        or any(not (ch in _ALLOWED or ch.isspace()) for ch in text)
        or "+" in text[1:]
    ):
        raise ValidationError(INVALID_MOBILE, code="invalid_mobile")
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        raise ValidationError(INVALID_MOBILE, code="invalid_mobile") from None
    if (
        number.extension
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) not in MOBILE_TYPES
    ):
        raise ValidationError(INVALID_MOBILE, code="invalid_mobile")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_mobile(value: str) -> None:
    """A model or form field validator: refuses what `normalise_mobile` refuses. The field's
    form (or service) should store `normalise_mobile(value)`, the number in one writing."""
    normalise_mobile(value)
