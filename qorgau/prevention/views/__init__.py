"""Views of the prevention app: thin; every rule is in services, every read in selectors."""

from qorgau.prevention.views._common import PAGE_SIZE
from qorgau.prevention.views.overview import cascade, coverage
from qorgau.prevention.views.partners import (
    case_to_partner,
    referral_detail,
    referral_figures,
    referral_list,
    report_to_partner,
)
from qorgau.prevention.views.rounds import (
    round_detail,
    round_done,
    round_list,
    round_new,
    round_refer,
)
from qorgau.prevention.views.schools import school_detail, school_import, school_list, school_new
from qorgau.prevention.views.training import (
    certificate,
    session_add,
    session_attendance,
    session_certify,
    session_detail,
    session_list,
    session_new,
    teacher_detail,
    teacher_list,
    teacher_new,
)

__all__ = [
    "PAGE_SIZE",
    "cascade",
    "case_to_partner",
    "certificate",
    "coverage",
    "referral_detail",
    "referral_figures",
    "referral_list",
    "report_to_partner",
    "round_detail",
    "round_done",
    "round_list",
    "round_new",
    "round_refer",
    "school_detail",
    "school_import",
    "school_list",
    "school_new",
    "session_add",
    "session_attendance",
    "session_certify",
    "session_detail",
    "session_list",
    "session_new",
    "teacher_detail",
    "teacher_list",
    "teacher_new",
]
