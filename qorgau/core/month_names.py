"""The month names Django's `E` date format ("3 желтоқсан") takes from the catalogs, under the
context "alt. month". Listed here so that `makemessages --no-obsolete` keeps them in our catalogs:
Django's own Kazakh catalog writes them with a capital letter, which Kazakh does not after a day
("2026 жылғы 3 желтоқсан"). Our kk and ru catalogs translate them; nothing imports this module."""

from django.utils.translation import pgettext_lazy

ALT_MONTHS = (
    pgettext_lazy("alt. month", "January"),
    pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"),
    pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"),
    pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"),
    pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"),
    pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"),
    pgettext_lazy("alt. month", "December"),
)
