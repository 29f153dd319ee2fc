"""Kazakh: "2026 жылғы 3 желтоқсан" (year first, genitive жылғы, the month in lower case: the
"alt. month" names of our kk catalog), a decimal comma and a non-breaking space between thousands.
Cyrillic letters are not format characters, so "жылғы" needs no escaping."""

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

DATE_FORMAT = "Y жылғы j E"
DATETIME_FORMAT = "Y жылғы j E, H:i"
YEAR_MONTH_FORMAT = "Y жылғы E"
MONTH_DAY_FORMAT = "j E"
