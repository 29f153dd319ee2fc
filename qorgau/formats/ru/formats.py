"""Russian: "3 декабря 2026 г." and "3 декабря 2026 г., 17:05" (Django's own puts no comma before
the time), a decimal comma and a non-breaking space between thousands."""

from qorgau.formats.cyrillic import (  # noqa: F401 - Django reads them from this module
    DATE_INPUT_FORMATS,
    DATETIME_INPUT_FORMATS,
    DECIMAL_SEPARATOR,
    FIRST_DAY_OF_WEEK,
    NUMBER_GROUPING,
    SHORT_DATE_FORMAT,
    SHORT_DATETIME_FORMAT,
    THOUSAND_SEPARATOR,
    TIME_FORMAT,
)

DATE_FORMAT = "j E Y г."
DATETIME_FORMAT = "j E Y г., H:i"
YEAR_MONTH_FORMAT = "F Y г."
MONTH_DAY_FORMAT = "j E"
