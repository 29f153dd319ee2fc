"""Every write of the offenders app: register, examinations, risk, treatment, supervision, imports."""

from qorgau.offenders.services.clinical import (
    examination_record,
    instrument_get,
    risk_assess,
    treatment_end,
    treatment_session_record,
    treatment_start,
)
from qorgau.offenders.services.imports import (
    CSV_COLUMNS,
    IMPORT_CHUNK,
    ImportResult,
    import_register_csv,
)
from qorgau.offenders.services.register import (
    PERSON_OWNER,
    OffenderInvalid,
    PersonInput,
    conviction_add,
    iin_lookup,
    person_create,
    validate_person,
)
from qorgau.offenders.services.supervision import (
    TickStats,
    current_risk,
    meeting_frequency,
    meeting_record,
    release,
    schedule_meetings,
    supervision_draft,
    supervision_end,
    supervision_tick,
    violation_record,
)

__all__ = [
    "CSV_COLUMNS",
    "IMPORT_CHUNK",
    "PERSON_OWNER",
    "ImportResult",
    "OffenderInvalid",
    "PersonInput",
    "TickStats",
    "conviction_add",
    "current_risk",
    "examination_record",
    "iin_lookup",
    "import_register_csv",
    "instrument_get",
    "meeting_frequency",
    "meeting_record",
    "person_create",
    "release",
    "risk_assess",
    "schedule_meetings",
    "supervision_draft",
    "supervision_end",
    "supervision_tick",
    "treatment_end",
    "treatment_session_record",
    "treatment_start",
    "validate_person",
    "violation_record",
]
