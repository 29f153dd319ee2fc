"""Every write of the prevention app: schools, the training cascade, school rounds and partner
referrals. Each service checks who acts (`require`, with the app's policies), validates, writes and
audits in one transaction."""

from qorgau.prevention.services._common import (
    MASTER_TRAINERS_TARGET,
    NAME_MAX,
    NOTE_MAX,
    PUPILS_MAX,
    PreventionRefused,
)
from qorgau.prevention.services.partners import (
    partner_member_set,
    partner_referral_from_case,
    partner_referral_from_report,
    partner_referral_respond,
)
from qorgau.prevention.services.rounds import (
    round_plan,
    round_record_done,
    round_refer,
)
from qorgau.prevention.services.schools import (
    LANGUAGE_WORDS,
    SCHOOL_COLUMNS,
    SETTLEMENT_WORDS,
    ImportResult,
    RowError,
    SchoolInput,
    current_school_year,
    parse_languages,
    school_create,
    school_import_csv,
    school_validate,
    school_year_bounds,
    school_year_of,
)
from qorgau.prevention.services.training import (
    session_add_attendee,
    session_certify,
    session_create,
    session_record_attendance,
    teacher_create,
    teacher_designate_master,
)

__all__ = [
    "LANGUAGE_WORDS",
    "MASTER_TRAINERS_TARGET",
    "NAME_MAX",
    "NOTE_MAX",
    "PUPILS_MAX",
    "SCHOOL_COLUMNS",
    "SETTLEMENT_WORDS",
    "ImportResult",
    "PreventionRefused",
    "RowError",
    "SchoolInput",
    "current_school_year",
    "parse_languages",
    "partner_member_set",
    "partner_referral_from_case",
    "partner_referral_from_report",
    "partner_referral_respond",
    "round_plan",
    "round_record_done",
    "round_refer",
    "school_create",
    "school_import_csv",
    "school_validate",
    "school_year_bounds",
    "school_year_of",
    "session_add_attendee",
    "session_certify",
    "session_create",
    "session_record_attendance",
    "teacher_create",
    "teacher_designate_master",
]
