"""Views of the prevention app: thin; every rule is in services, every read in selectors."""

from qorgau.prevention.views._common import COORDINATOR, PAGE_SIZE, SCHOOL_EDITORS
from qorgau.prevention.views.overview import cascade, coverage
from qorgau.prevention.views.partners import (
    case_to_partner,
    referral_detail,
    referral_figures,
    referral_list,
    report_to_partner,
)
from qorgau.prevention.views.rounds import round_action, round_detail, round_list, round_new
from qorgau.prevention.views.schools import school_detail, school_import, school_list, school_new
from qorgau.prevention.views.training import (
    certificate,
    session_action,
    session_detail,
    session_list,
    session_new,
    teacher_detail,
    teacher_list,
    teacher_new,
)

__all__ = [
    "COORDINATOR",
    "PAGE_SIZE",
    "SCHOOL_EDITORS",
    "cascade",
    "case_to_partner",
    "certificate",
    "coverage",
    "referral_detail",
    "referral_figures",
    "referral_list",
    "report_to_partner",
    "round_action",
    "round_detail",
    "round_list",
    "round_new",
    "school_detail",
    "school_import",
    "school_list",
    "school_new",
    "session_action",
    "session_detail",
    "session_list",
    "session_new",
    "teacher_detail",
    "teacher_list",
    "teacher_new",
]
