"""Every write of the Red Button: submitting a report, receipts, follow-up, platform tokens.

The code lives in the modules of this package; every public name is re-exported here, so that
`services.report_submit(...)` and `from qorgau.intake.services import X` work as before. To patch
a name in a test, patch it in the module that uses it (`services.submit`, `services.actions`...):
patching it here changes nothing for its callers."""

from qorgau.intake.services._common import OFFENDER_OWNER, REPORT_OWNER, ActionRefused
from qorgau.intake.services.actions import (
    TRANSITIONS,
    TransitionConflict,
    evidence_open,
    report_ask_more_information,
    report_close,
    report_link_subject,
    report_mark_duplicate,
    report_message_reporter,
    report_record_case,
    report_refer,
    report_set_priority,
    report_take,
    report_transition,
    report_unlink_identifier,
    report_view_personal,
)
from qorgau.intake.services.drafts import (
    IDENTIFIER_MAX,
    IDENTIFIERS_MAX,
    MESSAGE_MAX,
    NAME_MAX,
    NARRATIVE_MAX,
    Identifier,
    ReportDraft,
    ReportInvalid,
    Submission,
    Submitter,
    normalise_phone,
    request_digest,
    validate,
)
from qorgau.intake.services.follow_up import (
    RECEIPT_LOCK,
    RECEIPT_MAX_FAILURES,
    ReceiptRefused,
    report_add_information,
    report_mark_read_by_reporter,
    report_open_with_receipt,
)
from qorgau.intake.services.platforms import (
    PLATFORM_TOKEN_PREFIX,
    platform_authenticate,
    platform_token_create,
    platform_token_revoke,
)
from qorgau.intake.services.retention import purge_expired_reports
from qorgau.intake.services.submit import (
    report_identifiers,
    report_retriage,
    report_submit,
    response_deadline,
    triage_rules_current,
    triage_rules_publish,
)

__all__ = [
    "IDENTIFIERS_MAX",
    "IDENTIFIER_MAX",
    "MESSAGE_MAX",
    "NAME_MAX",
    "NARRATIVE_MAX",
    "OFFENDER_OWNER",
    "PLATFORM_TOKEN_PREFIX",
    "RECEIPT_LOCK",
    "RECEIPT_MAX_FAILURES",
    "REPORT_OWNER",
    "TRANSITIONS",
    "ActionRefused",
    "Identifier",
    "ReceiptRefused",
    "ReportDraft",
    "ReportInvalid",
    "Submission",
    "Submitter",
    "TransitionConflict",
    "evidence_open",
    "normalise_phone",
    "platform_authenticate",
    "platform_token_create",
    "platform_token_revoke",
    "purge_expired_reports",
    "report_add_information",
    "report_ask_more_information",
    "report_close",
    "report_identifiers",
    "report_link_subject",
    "report_mark_duplicate",
    "report_mark_read_by_reporter",
    "report_message_reporter",
    "report_open_with_receipt",
    "report_record_case",
    "report_refer",
    "report_retriage",
    "report_set_priority",
    "report_submit",
    "report_take",
    "report_transition",
    "report_unlink_identifier",
    "report_view_personal",
    "request_digest",
    "response_deadline",
    "triage_rules_current",
    "triage_rules_publish",
    "validate",
]
