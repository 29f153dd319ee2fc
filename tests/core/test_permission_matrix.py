"""Who may open what: every URL of the site and every API operation, against every role and anonymous.

The URLs come from the URL configuration (`get_resolver()`), the API operations from the OpenAPI
schema; the expected answers are in the two tables below, nowhere else. A URL or an operation that
is not in a table fails the test, saying what line to add. URL arguments are real objects of the demo
data (made by `seed_demo` through the services, with the demo users as the roles' people); every URL
that names an object is asked again with an object of another region, which must answer 404 to every
role limited to its region.

Answers: 200, 403, 404, 405 (GET on a POST-only view), 422 (the API checks the body and the query
before the role), 401 (API without a valid token), `L` (302 to the sign-in page), `R` (302 elsewhere).
Web pages are asked with GET; API operations with their method, an empty JSON object as body.
Columns: anon = not signed in; pwd = a chief who passed the password but not the second factor;
session = (API only) a fully signed-in chief's browser session without a token.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from qorgau.core.enums import REGIONAL_ROLES
from qorgau.core.models import User

pytestmark = pytest.mark.django_db

ROLES = [
    "anon",
    "pwd",
    "analyst",
    "prosecutor",
    "chief",
    "central",
    "clinician",
    "police",
    "educator",
    "partner",
    "security",
    "admin",
]

# GET of every URL. One line per URL name; the columns are ROLES.
WEB = """
# url name                   ano pwd ana pro chi cen cli pol edu par sec adm
core:home                    200 200 200 200 200 200 200 200 200 200 200 200
core:help                    200 200 200 200 200 200 200 200 200 200 200 200
core:healthz                 200 200 200 200 200 200 200 200 200 200 200 200
core:staff_home                L   L 200 200 200 200 200 200 200 200 200 200
core:login                   200   L   R   R   R   R   R   R   R   R   R   R
core:login_verify              L 200   R   R   R   R   R   R   R   R   R   R
core:login_enrol               L   L   R   R   R   R   R   R   R   R   R   R
core:logout                  405 405 405 405 405 405 405 405 405 405 405 405
core:people                    L   L 403 403 200 200 403 403 403 403 200 200
core:duty_rota                 L   L 200 403 200 200 403 403 403 403 403 403
core:duty_coverage             L   L 403 403 200 200 403 403 403 403 403 403
core:duty_shift_create         L   L 405 405 405 405 405 405 405 405 405 405
core:duty_shift_delete         L   L 405 405 405 405 405 405 405 405 405 405
core:duty_shift_swap           L   L 405 405 405 405 405 405 405 405 405 405
core:duty_pattern_create       L   L 405 405 405 405 405 405 405 405 405 405
core:duty_national_shift_create  L   L 405 405 405 405 405 405 405 405 405 405
core:duty_national_pattern_create  L   L 405 405 405 405 405 405 405 405 405 405
core:duty_pattern_end          L   L 405 405 405 405 405 405 405 405 405 405
core:on_duty                   L   L 405 405 405 405 405 405 405 405 405 405
core:notifications             L   L 200 200 200 200 200 200 200 200 200 200
core:notification_acknowledge  L   L 405 405 405 405 405 405 405 405 405 405
core:audit_log                 L   L 403 403 200 200 403 403 403 403 200 200
core:access_changes            L   L 403 403 403 403 403 403 403 403 200 200
core:person_second_factor_reset L   L 405 405 405 405 405 405 405 405 405 405
core:access_change_approve     L   L 405 405 405 405 405 405 405 405 405 405
core:access_change_reject      L   L 405 405 405 405 405 405 405 405 405 405
core:access_change_cancel      L   L 405 405 405 405 405 405 405 405 405 405
intake:report                200 200 200 200 200 200 200 200 200 200 200 200
intake:status                200 200 200 200 200 200 200 200 200 200 200 200
intake:status_close          405 405 405 405 405 405 405 405 405 405 405 405
intake:widget                200 200 200 200 200 200 200 200 200 200 200 200
intake:embed                 200 200 200 200 200 200 200 200 200 200 200 200
intake:staff_list              L   L 200 403 200 200 403 403 403 403 403 403
intake:staff_detail            L   L 200 403 200 200 403 403 403 403 403 403
intake:report_take             L   L 405 403 405 405 403 403 403 403 403 403
intake:report_message          L   L 405 403 405 405 403 403 403 403 403 403
intake:report_more_info        L   L 405 403 405 405 403 403 403 403 403 403
intake:report_priority         L   L 405 403 405 405 403 403 403 403 403 403
intake:report_refer            L   L 405 403 405 405 403 403 403 403 403 403
intake:report_close            L   L 405 403 405 405 403 403 403 403 403 403
intake:report_link             L   L 405 403 405 405 403 403 403 403 403 403
intake:report_unlink           L   L 405 403 405 405 403 403 403 403 403 403
intake:report_duplicate        L   L 405 403 405 405 403 403 403 403 403 403
intake:report_file_match       L   L 405 403 405 405 403 403 403 403 403 403
intake:staff_subject           L   L 200 403 200 200 403 403 403 403 403 403
intake:staff_hash_lists        L   L 403 403 403 200 403 403 403 403 403 403
intake:staff_evidence          L   L 405 403 405 405 403 403 403 403 403 403
cases:list                     L   L 200 200 200 200 403 403 403 403 403 403
cases:handover                 L   L 403 403 200 200 403 403 403 403 403 403
cases:staffing                 L   L 403 403 200 200 403 403 403 403 403 403
cases:workload                 L   L 403 403 200 200 403 403 403 403 403 403
cases:policy                   L   L 403 403 200 200 403 403 403 403 403 403
cases:detail                   L   L 404 200 200 200 403 403 403 403 403 403
cases:case_stage               L   L 405 405 405 405 403 403 403 403 403 403
cases:case_care                L   L 405 405 405 405 403 403 403 403 403 403
cases:case_reassign            L   L 405 405 405 405 403 403 403 403 403 403
cases:case_handover            L   L 405 405 405 405 403 403 403 403 403 403
cases:from_report              L   L 405 403 405 405 403 403 403 403 403 403
offenders:list                 L   L 403 403 200 200 200 200 403 403 403 403
offenders:coverage             L   L 403 403 200 200 200 403 403 403 403 403
offenders:import               L   L 403 403 403 200 200 403 403 403 403 403
offenders:supervision          L   L 403 403 200 200 403 200 403 403 403 403
offenders:detail               L   L 403 403 200 200 200 404 403 403 403 403
offenders:person_examination   L   L 403 403 405 405 405 405 403 403 403 403
offenders:person_risk          L   L 403 403 405 405 405 405 403 403 403 403
offenders:person_treatment     L   L 403 403 405 405 405 405 403 403 403 403
offenders:person_session       L   L 403 403 405 405 405 405 403 403 403 403
offenders:person_treatment_end  L   L 403 403 405 405 405 405 403 403 403 403
offenders:person_release       L   L 403 403 405 405 405 405 403 403 403 403
offenders:person_meeting       L   L 403 403 405 405 405 405 403 403 403 403
offenders:person_violation     L   L 403 403 405 405 405 405 403 403 403 403
offenders:person_end_supervision  L   L 403 403 405 405 405 405 403 403 403 403
guidance:page                200 200 200 200 200 200 200 200 200 200 200 200
prevention:coverage            L   L 403 403 200 200 403 403 200 403 403 403
prevention:cascade             L   L 403 403 200 200 403 403 200 403 403 403
prevention:school_list         L   L 403 403 200 200 403 403 200 403 403 403
prevention:school_new          L   L 403 403 403 200 403 403 200 403 403 403
prevention:school_import       L   L 403 403 403 200 403 403 200 403 403 403
prevention:school_detail       L   L 403 403 200 200 403 403 200 403 403 403
prevention:teacher_list        L   L 403 403 200 200 403 403 200 403 403 403
prevention:teacher_new         L   L 403 403 403 403 403 403 200 403 403 403
prevention:teacher_detail      L   L 403 403 200 200 403 403 200 403 403 403
prevention:session_list        L   L 403 403 200 200 403 403 200 403 403 403
prevention:session_new         L   L 403 403 403 403 403 403 200 403 403 403
prevention:session_detail      L   L 403 403 200 200 403 403 200 403 403 403
prevention:session_attendance  L   L 403 403 405 405 403 403 405 403 403 403
prevention:session_certify     L   L 403 403 405 405 403 403 405 403 403 403
prevention:session_add         L   L 403 403 405 405 403 403 405 403 403 403
prevention:certificate         L   L 403 403 200 200 403 403 200 403 403 403
prevention:round_list          L   L 403 403 200 200 403 403 200 403 403 403
prevention:round_new           L   L 403 403 403 403 403 403 200 403 403 403
prevention:round_detail        L   L 403 403 200 200 403 403 200 403 403 403
prevention:round_done          L   L 403 403 405 405 403 403 405 403 403 403
prevention:round_refer         L   L 403 403 405 405 403 403 405 403 403 403
prevention:referral_list       L   L 200 403 200 200 403 403 403 200 403 403
prevention:referral_figures    L   L 200 403 200 200 403 403 403 200 403 403
prevention:referral_detail     L   L 200 403 200 200 403 403 403 200 403 403
prevention:report_to_partner   L   L 405 405 405 405 405 405 405 405 405 405
prevention:case_to_partner     L   L 405 405 405 405 405 405 405 405 405 405
takedown:list                  L   L 200 403 200 200 403 403 403 403 403 403
takedown:detail                L   L 200 200 200 200 403 403 403 403 403 403
takedown:send                  L   L 405 405 405 405 405 405 405 405 405 405
takedown:acknowledge           L   L 405 405 405 405 405 405 405 405 405 405
takedown:complete              L   L 405 405 405 405 405 405 405 405 405 405
takedown:refuse                L   L 405 405 405 405 405 405 405 405 405 405
takedown:reference             L   L 405 405 405 405 405 405 405 405 405 405
takedown:deadline              L   L 405 405 405 405 405 405 405 405 405 405
takedown:hashes                L   L 200 200 200 200 403 403 403 403 403 403
takedown:new_for_report        L   L 200 403 200 403 403 403 403 403 403 403
takedown:new_for_subject       L   L 200 403 200 403 403 403 403 403 403 403
guidance:overview              L   L 403 403 403 200 403 403 403 403 403 403
guidance:edit                  L   L 403 403 403 200 403 403 403 403 403 403
guidance:version               L   L 403 403 403 200 403 403 403 403 403 403
analytics:dashboard            L   L 403 403 200 200 403 403 403 403 403 403
analytics:note                 L   L 405 405 405 405 405 405 405 405 405 405
analytics:export               L   L 403 403 200 200 403 403 403 403 403 403
analytics:monthly              L   L 403 403 200 200 403 403 403 403 403 403
set_language                   R   R   R   R   R   R   R   R   R   R   R   R
api:openapi-json             200 200 200 200 200 200 200 200 200 200 200 200
api:openapi-view             200 200 200 200 200 200 200 200 200 200 200 200
api:api-root                 404 404 404 404 404 404 404 404 404 404 404 404
admin:index                    L   L   L   L   L   L   L   L   L   L   L 200
admin:login                    L   L 403 403 403 403 403 403 403 403 403   R
admin:logout                   R   R   R   R   R   R   R   R   R   R   R 405
admin:password_change          L   L   L   L   L   L   L   L   L   L   L 200
admin:password_change_done     L   L   L   L   L   L   L   L   L   L   L 200
admin:autocomplete             L   L   L   L   L   L   L   L   L   L   L 403
admin:jsi18n                   L   L   L   L   L   L   L   L   L   L   L 200
admin:view_on_site             L   L   L   L   L   L   L   L   L   L   L 404
admin:auth_group_changelist    L   L   L   L   L   L   L   L   L   L   L 403
admin:auth_group_add           L   L   L   L   L   L   L   L   L   L   L 403
admin:auth_group_history       L   L   L   L   L   L   L   L   L   L   L   R
admin:auth_group_delete        L   L   L   L   L   L   L   L   L   L   L 403
admin:auth_group_change        L   L   L   L   L   L   L   L   L   L   L 403
/admin/auth/group/<path:object_id>/   L   L   L   L   L   L   L   L   L   L   L   R
admin:django_tasks_database_dbtaskresult_changelist   L   L   L   L   L   L   L   L   L   L   L 403
admin:django_tasks_database_dbtaskresult_add   L   L   L   L   L   L   L   L   L   L   L 403
admin:django_tasks_database_dbtaskresult_history   L   L   L   L   L   L   L   L   L   L   L   R
admin:django_tasks_database_dbtaskresult_delete   L   L   L   L   L   L   L   L   L   L   L 403
admin:django_tasks_database_dbtaskresult_change   L   L   L   L   L   L   L   L   L   L   L 403
/admin/django_tasks_database/dbtaskresult/<path:object_id>/   L   L   L   L   L   L   L   L   L   L   L   R
admin:core_region_changelist   L   L   L   L   L   L   L   L   L   L   L 200
admin:core_region_add          L   L   L   L   L   L   L   L   L   L   L 403
admin:core_region_history      L   L   L   L   L   L   L   L   L   L   L 200
admin:core_region_delete       L   L   L   L   L   L   L   L   L   L   L 403
admin:core_region_change       L   L   L   L   L   L   L   L   L   L   L 200
/admin/core/region/<path:object_id>/   L   L   L   L   L   L   L   L   L   L   L   R
admin:core_criminalarticle_changelist   L   L   L   L   L   L   L   L   L   L   L 200
admin:core_criminalarticle_add   L   L   L   L   L   L   L   L   L   L   L 200
admin:core_criminalarticle_history   L   L   L   L   L   L   L   L   L   L   L 200
admin:core_criminalarticle_delete   L   L   L   L   L   L   L   L   L   L   L 403
admin:core_criminalarticle_change   L   L   L   L   L   L   L   L   L   L   L 200
/admin/core/criminalarticle/<path:object_id>/   L   L   L   L   L   L   L   L   L   L   L   R
admin:core_helpline_changelist   L   L   L   L   L   L   L   L   L   L   L 200
admin:core_helpline_add        L   L   L   L   L   L   L   L   L   L   L 200
admin:core_helpline_history    L   L   L   L   L   L   L   L   L   L   L 200
admin:core_helpline_delete     L   L   L   L   L   L   L   L   L   L   L 403
admin:core_helpline_change     L   L   L   L   L   L   L   L   L   L   L 200
/admin/core/helpline/<path:object_id>/   L   L   L   L   L   L   L   L   L   L   L   R
admin:auth_user_password_change   L   L   L   L   L   L   L   L   L   L   L 200
admin:core_user_changelist     L   L   L   L   L   L   L   L   L   L   L 200
admin:core_user_add            L   L   L   L   L   L   L   L   L   L   L 200
admin:core_user_history        L   L   L   L   L   L   L   L   L   L   L 200
admin:core_user_delete         L   L   L   L   L   L   L   L   L   L   L 403
admin:core_user_change         L   L   L   L   L   L   L   L   L   L   L 200
/admin/core/user/<path:object_id>/   L   L   L   L   L   L   L   L   L   L   L   R
admin:core_apitoken_changelist   L   L   L   L   L   L   L   L   L   L   L 200
admin:core_apitoken_add        L   L   L   L   L   L   L   L   L   L   L 403
admin:core_apitoken_history    L   L   L   L   L   L   L   L   L   L   L   R
admin:core_apitoken_delete     L   L   L   L   L   L   L   L   L   L   L 403
admin:core_apitoken_change     L   L   L   L   L   L   L   L   L   L   L   R
/admin/core/apitoken/<path:object_id>/   L   L   L   L   L   L   L   L   L   L   L   R
admin:core_auditentry_changelist   L   L   L   L   L   L   L   L   L   L   L 200
admin:core_auditentry_add      L   L   L   L   L   L   L   L   L   L   L 403
admin:core_auditentry_history   L   L   L   L   L   L   L   L   L   L   L 200
admin:core_auditentry_delete   L   L   L   L   L   L   L   L   L   L   L 403
admin:core_auditentry_change   L   L   L   L   L   L   L   L   L   L   L 200
/admin/core/auditentry/<path:object_id>/   L   L   L   L   L   L   L   L   L   L   L   R
admin:core_alert_changelist        L   L   L   L   L   L   L   L   L   L   L 200
admin:core_alert_add               L   L   L   L   L   L   L   L   L   L   L 403
admin:core_alert_history           L   L   L   L   L   L   L   L   L   L   L 200
admin:core_alert_delete            L   L   L   L   L   L   L   L   L   L   L 403
admin:core_alert_change            L   L   L   L   L   L   L   L   L   L   L 200
/admin/core/alert/<path:object_id>/   L   L   L   L   L   L   L   L   L   L   L   R
admin:core_delivery_changelist     L   L   L   L   L   L   L   L   L   L   L 200
admin:core_delivery_add            L   L   L   L   L   L   L   L   L   L   L 403
admin:core_delivery_history        L   L   L   L   L   L   L   L   L   L   L 200
admin:core_delivery_delete         L   L   L   L   L   L   L   L   L   L   L 403
admin:core_delivery_change         L   L   L   L   L   L   L   L   L   L   L 200
/admin/core/delivery/<path:object_id>/   L   L   L   L   L   L   L   L   L   L   L   R
admin:core_accesschange_changelist     L   L   L   L   L   L   L   L   L   L   L 200
admin:core_accesschange_add      L   L   L   L   L   L   L   L   L   L   L 403
admin:core_accesschange_history     L   L   L   L   L   L   L   L   L   L   L 200
admin:core_accesschange_delete   L   L   L   L   L   L   L   L   L   L   L 403
admin:core_accesschange_change   L   L   L   L   L   L   L   L   L   L   L 200
/admin/core/accesschange/<path:object_id>/     L   L   L   L   L   L   L   L   L   L   L   R
admin:core_stafftotpdevice_changelist   L   L   L   L   L   L   L   L   L   L   L 200
admin:core_stafftotpdevice_add   L   L   L   L   L   L   L   L   L   L   L 403
admin:core_stafftotpdevice_history   L   L   L   L   L   L   L   L   L   L   L 200
admin:core_stafftotpdevice_delete   L   L   L   L   L   L   L   L   L   L   L 403
admin:core_stafftotpdevice_change   L   L   L   L   L   L   L   L   L   L   L 200
/admin/core/stafftotpdevice/<path:object_id>/   L   L   L   L   L   L   L   L   L   L   L   R
admin:core_recoverycodeset_changelist   L   L   L   L   L   L   L   L   L   L   L 200
admin:core_recoverycodeset_add   L   L   L   L   L   L   L   L   L   L   L 403
admin:core_recoverycodeset_history   L   L   L   L   L   L   L   L   L   L   L   R
admin:core_recoverycodeset_delete   L   L   L   L   L   L   L   L   L   L   L 403
admin:core_recoverycodeset_change   L   L   L   L   L   L   L   L   L   L   L   R
/admin/core/recoverycodeset/<path:object_id>/   L   L   L   L   L   L   L   L   L   L   L   R
admin:intake_platform_changelist   L   L   L   L   L   L   L   L   L   L   L 200
admin:intake_platform_add      L   L   L   L   L   L   L   L   L   L   L 200
admin:intake_platform_history   L   L   L   L   L   L   L   L   L   L   L 200
admin:intake_platform_delete   L   L   L   L   L   L   L   L   L   L   L 403
admin:intake_platform_change   L   L   L   L   L   L   L   L   L   L   L 200
/admin/intake/platform/<path:object_id>/   L   L   L   L   L   L   L   L   L   L   L   R
admin:intake_platformtoken_changelist   L   L   L   L   L   L   L   L   L   L   L 200
admin:intake_platformtoken_add   L   L   L   L   L   L   L   L   L   L   L 403
admin:intake_platformtoken_history   L   L   L   L   L   L   L   L   L   L   L 200
admin:intake_platformtoken_delete   L   L   L   L   L   L   L   L   L   L   L 403
admin:intake_platformtoken_change   L   L   L   L   L   L   L   L   L   L   L 200
/admin/intake/platformtoken/<path:object_id>/   L   L   L   L   L   L   L   L   L   L   L   R
admin:intake_triageruleset_changelist   L   L   L   L   L   L   L   L   L   L   L 200
admin:intake_triageruleset_add   L   L   L   L   L   L   L   L   L   L   L 200
admin:intake_triageruleset_history   L   L   L   L   L   L   L   L   L   L   L 200
admin:intake_triageruleset_delete   L   L   L   L   L   L   L   L   L   L   L 403
admin:intake_triageruleset_change   L   L   L   L   L   L   L   L   L   L   L 200
/admin/intake/triageruleset/<path:object_id>/   L   L   L   L   L   L   L   L   L   L   L   R
admin:offenders_facility_changelist   L   L   L   L   L   L   L   L   L   L   L 403
admin:offenders_facility_add   L   L   L   L   L   L   L   L   L   L   L 403
admin:offenders_facility_history   L   L   L   L   L   L   L   L   L   L   L 403
admin:offenders_facility_delete   L   L   L   L   L   L   L   L   L   L   L 403
admin:offenders_facility_change   L   L   L   L   L   L   L   L   L   L   L 403
/admin/offenders/facility/<path:object_id>/   L   L   L   L   L   L   L   L   L   L   L   R
admin:prevention_school_changelist   L   L   L   L   L   L   L   L   L   L   L 200
admin:prevention_school_add    L   L   L   L   L   L   L   L   L   L   L 200
admin:prevention_school_history   L   L   L   L   L   L   L   L   L   L   L 200
admin:prevention_school_delete   L   L   L   L   L   L   L   L   L   L   L 403
admin:prevention_school_change   L   L   L   L   L   L   L   L   L   L   L 200
/admin/prevention/school/<path:object_id>/   L   L   L   L   L   L   L   L   L   L   L   R
admin:prevention_partnerorganisation_changelist   L   L   L   L   L   L   L   L   L   L   L 200
admin:prevention_partnerorganisation_add   L   L   L   L   L   L   L   L   L   L   L 200
admin:prevention_partnerorganisation_history   L   L   L   L   L   L   L   L   L   L   L 200
admin:prevention_partnerorganisation_delete   L   L   L   L   L   L   L   L   L   L   L 403
admin:prevention_partnerorganisation_change   L   L   L   L   L   L   L   L   L   L   L 200
/admin/prevention/partnerorganisation/<path:object_id>/   L   L   L   L   L   L   L   L   L   L   L   R
admin:prevention_partnermember_changelist   L   L   L   L   L   L   L   L   L   L   L 200
admin:prevention_partnermember_add   L   L   L   L   L   L   L   L   L   L   L 200
admin:prevention_partnermember_history   L   L   L   L   L   L   L   L   L   L   L 200
admin:prevention_partnermember_delete   L   L   L   L   L   L   L   L   L   L   L 200
admin:prevention_partnermember_change   L   L   L   L   L   L   L   L   L   L   L 200
/admin/prevention/partnermember/<path:object_id>/   L   L   L   L   L   L   L   L   L   L   L   R
admin:app_list                 L   L   L   L   L   L   L   L   L   L   L 200
/admin/(?P<url>.*)$            L   L   L   L   L   L   L   L   L   L   L 404
"""

# Every API operation. The columns are ROLES with "session" in place of "pwd".
API = """
# operation                              ano ses ana pro chi cen cli pol edu par sec adm
GET /api/v1/me                           401 401 200 200 200 200 200 200 200 200 200 200
GET /api/v1/regions                      401 401 200 200 200 200 200 200 200 200 200 200
POST /api/v1/reports                     401 401 422 422 422 422 422 422 422 422 422 422
GET /api/v1/reports/{report_id}/status   401 401 200 404 200 200 404 404 404 404 404 404
GET /api/v1/subjects                     401 401 422 403 422 422 403 403 403 403 403 403
POST /api/v1/cases                       401 401 422 422 422 422 422 422 422 422 422 422
GET /api/v1/cases/{case_id}              401 401 404 200 200 200 404 404 404 404 404 404
PATCH /api/v1/cases/{case_id}            401 401 422 422 422 422 422 422 422 422 422 422
POST /api/v1/offenders                   401 401 422 422 422 422 422 422 422 422 422 422
GET /api/v1/offenders/search             401 401 200 403 200 200 200 200 403 403 403 403
GET /api/v1/prevention/coverage          401 401 403 403 200 200 403 403 200 403 403 403
GET /api/v1/prevention/referrals         401 401 200 403 200 200 403 403 403 200 403 403
GET /api/v1/prevention/referrals/figures 401 401 200 403 200 200 403 403 403 200 403 403
GET /api/v1/stats/summary                401 401 403 403 200 200 403 403 403 403 403 403
"""


def parse(table: str, key_words: int) -> dict[str, list[str]]:
    rows = {}
    for line in table.strip().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        words = line.split()
        rows[" ".join(words[:key_words])] = words[key_words:]
    return rows


def walk(resolver: URLResolver, prefix: str = "", namespaces: tuple[str, ...] = ()):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
            yield from walk(pattern, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            # an unnamed pattern (the admin's redirects and catch-all) goes by its route
            name = ":".join((*namespaces, pattern.name)) if pattern.name else "/" + route
            yield name, route, pattern


# ---------------------------------------------------------------------------------------------------
# Real objects: the demo data of every app, and what it lacks (evidence, a region's offender).


@pytest.fixture
def world(reference_data, settings, tmp_path, capsys):
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "files"
    call_command("seed_demo")
    capsys.readouterr()
    return Objects()


class Objects:
    """Objects of the home region (KZ-75, the demo users' region) and of another (KZ-71)."""

    def __init__(self) -> None:
        from qorgau.cases.models import Case
        from qorgau.guidance.models import GuidanceVersion
        from qorgau.intake import services as intake
        from qorgau.intake.enums import Source
        from qorgau.intake.evidence import IncomingFile
        from qorgau.linking.models import IdentifierUse
        from qorgau.prevention.models import (
            Attendance,
            PartnerOrganisation,
            PartnerReferral,
            SafeguardingRound,
            School,
            Teacher,
            TrainingSession,
        )

        def report(region: str):
            return intake.report_submit(
                draft=intake.ReportDraft(
                    category="grooming",
                    narrative="Synthetic: he keeps writing to her.",
                    region_code=region,
                    files=[IncomingFile(filename="a.txt", content=b"synthetic", sha256="")],
                ),
                submitter=intake.Submitter(source=Source.WEB),
            ).report

        self.report = {"home": report("KZ-75"), "other": report("KZ-71")}
        self.evidence = {k: r.evidence.get() for k, r in self.report.items()}
        self.subject = {
            k: IdentifierUse.objects.filter(region__code=code).first().identifier.subject
            for k, code in (("home", "KZ-75"), ("other", "KZ-71"))
        }
        prosecutor = User.objects.get(username="prosecutor")
        # the prosecutor's own case, so that their column shows what they see of a case
        self.case = {
            "home": Case.objects.filter(region__code="KZ-75", prosecutor__user=prosecutor).first(),
            "other": Case.objects.filter(region__code="KZ-71").first(),
        }
        self.person = {"home": self.offender("KZ-75"), "other": self.offender("KZ-71")}
        self.school = {
            k: School.objects.filter(region__code=c).first()
            for k, c in (("home", "KZ-75"), ("other", "KZ-71"))
        }
        self.teacher = {
            k: Teacher.objects.filter(school__region__code=c).first()
            for k, c in (("home", "KZ-75"), ("other", "KZ-71"))
        }
        self.session = {
            k: TrainingSession.objects.filter(region__code=c).first()
            for k, c in (("home", "KZ-75"), ("other", "KZ-71"))
        }
        self.certificate = {
            k: Attendance.objects.filter(
                session__region__code=c, certified_on__isnull=False
            ).first()
            for k, c in (("home", "KZ-75"), ("other", "KZ-71"))
        }
        self.round = {
            k: SafeguardingRound.objects.filter(school__region__code=c).first()
            for k, c in (("home", "KZ-75"), ("other", "KZ-71"))
        }
        organisation = PartnerOrganisation.objects.filter(members__user__username="partner").first()
        self.referral = {
            "home": PartnerReferral.objects.filter(
                region__code="KZ-75", organisation=organisation
            ).first(),
            "other": self.referral_in_other_region(organisation),
        }
        self.guidance = GuidanceVersion.objects.order_by("pk").first()
        self.takedown = {
            "home": self.takedown_request("home"),
            "other": self.takedown_request("other"),
        }
        from qorgau.core.models import AccessChange

        # the demo's change of access: the demo admin asked for it, the security officer decides
        self.access_change = AccessChange.objects.pending().get()
        # an alert of the demo analyst's: only its owner may acknowledge it
        from qorgau.core.alerts import raise_alert
        from qorgau.core.models import Notification

        alert = raise_alert(
            kind="report_p1",
            object_ref="MATRIX",
            recipients=User.objects.filter(username="analyst"),
            url="/staff/",
            params={"report": "MATRIX", "deadline_at": ""},
        )
        self.notification = Notification.objects.get(alert=alert, user__username="analyst")
        from qorgau.core.models import DutyPattern, DutyShift

        # the demo's rota: weekday shifts of each region's analyst, from weekly patterns
        self.shift = {
            k: DutyShift.objects.filter(region__code=c).order_by("starts_at").first()
            for k, c in (("home", "KZ-75"), ("other", "KZ-71"))
        }
        self.pattern = {
            k: DutyPattern.objects.filter(region__code=c).first()
            for k, c in (("home", "KZ-75"), ("other", "KZ-71"))
        }

    @staticmethod
    def offender(code: str):
        from qorgau.core.models import Region
        from qorgau.offenders import services
        from qorgau.offenders.models import Facility

        facility = Facility.objects.filter(region__code=code).first()
        if facility is None:
            facility = Facility.objects.create(
                name=f"Demo Facility {code}", region=Region.objects.get(code=code)
            )
        return services.person_create(
            acting_user=None,
            data=services.PersonInput(
                full_name="Демо Синтетический",
                full_name_latin="Demo Synthetic",
                date_of_birth=date(1980, 5, 17),
                identifiers=[],
                facility=facility,
                admitted_on=timezone.localdate() - timedelta(days=40),
            ),
        )

    def takedown_request(self, which: str):
        """A request to a platform from the region's report, drafted by one of its analysts (the
        home one on the report of the prosecutor's case, so that their column shows what they read)."""
        from qorgau.core import services as core
        from qorgau.takedown import services
        from qorgau.takedown.services import RequestInput

        report = self.report[which]
        analyst = User.objects.filter(role="analyst", region=report.region).first()
        if analyst is None:
            analyst = core.user_create(
                acting_user=None,
                username=f"analyst.{report.region.code.lower()}",
                role="analyst",
                password=None,
                region=report.region,
                gender="f",
                language="ru",
                full_name="Demo Analyst Other",
                email=f"analyst.{report.region.code.lower()}@example.invalid",
            )
        if which == "home":
            type(self.case["home"]).objects.filter(pk=self.case["home"].pk).update(report=report)
        return services.takedown_from_report(
            acting_user=analyst,
            report=report,
            data=RequestInput(platform="telegram", kind="preservation", targets="@synthetic"),
        )

    def referral_in_other_region(self, organisation):
        from qorgau.prevention import services

        chief = User.objects.get(username="chief")
        # the chief of Astana does not exist in the demo: a central-office referral is not possible,
        # so the referral is made by an Astana chief created here
        other_chief = User.objects.filter(role="regional_chief", region__code="KZ-71").first()
        if other_chief is None:
            from qorgau.core import services as core

            other_chief = core.user_create(
                acting_user=None,
                username="chief.astana",
                role="regional_chief",
                password=None,
                region=self.report["other"].region,
                gender="m",
                language="ru",
                full_name="Demo Chief Astana",
                email="chief.astana@example.invalid",
            )
        assert chief.region.code == "KZ-75"
        return services.partner_referral_from_report(
            acting_user=other_chief,
            report=self.report["other"],
            organisation=organisation,
            note="Synthetic note.",
        )


def web_kwargs(world: Objects, name: str, which: str) -> dict | None:
    """Real URL arguments for `name`, with the object of the home or the other region."""
    pick = {
        "intake:staff_detail": lambda: {"public_id": world.report[which].public_id},
        "intake:report_take": lambda: {"public_id": world.report[which].public_id},
        "intake:report_message": lambda: {"public_id": world.report[which].public_id},
        "intake:report_more_info": lambda: {"public_id": world.report[which].public_id},
        "intake:report_priority": lambda: {"public_id": world.report[which].public_id},
        "intake:report_refer": lambda: {"public_id": world.report[which].public_id},
        "intake:report_close": lambda: {"public_id": world.report[which].public_id},
        "intake:report_link": lambda: {"public_id": world.report[which].public_id},
        "intake:report_unlink": lambda: {"public_id": world.report[which].public_id},
        "intake:report_duplicate": lambda: {"public_id": world.report[which].public_id},
        "intake:report_file_match": lambda: {"public_id": world.report[which].public_id},
        "intake:staff_subject": lambda: {"public_id": world.subject[which].public_id},
        "intake:staff_evidence": lambda: {
            "public_id": world.report[which].public_id,
            "evidence_id": world.evidence[which].public_id,
        },
        "cases:detail": lambda: {"public_id": world.case[which].public_id},
        "cases:case_stage": lambda: {"public_id": world.case[which].public_id},
        "cases:case_care": lambda: {"public_id": world.case[which].public_id},
        "cases:case_reassign": lambda: {"public_id": world.case[which].public_id},
        "cases:case_handover": lambda: {"public_id": world.case[which].public_id},
        "cases:from_report": lambda: {"public_id": world.report[which].public_id},
        "offenders:detail": lambda: {"public_id": world.person[which].public_id},
        "offenders:person_examination": lambda: {"public_id": world.person[which].public_id},
        "offenders:person_risk": lambda: {"public_id": world.person[which].public_id},
        "offenders:person_treatment": lambda: {"public_id": world.person[which].public_id},
        "offenders:person_session": lambda: {"public_id": world.person[which].public_id},
        "offenders:person_treatment_end": lambda: {"public_id": world.person[which].public_id},
        "offenders:person_release": lambda: {"public_id": world.person[which].public_id},
        "offenders:person_meeting": lambda: {"public_id": world.person[which].public_id},
        "offenders:person_violation": lambda: {"public_id": world.person[which].public_id},
        "offenders:person_end_supervision": lambda: {"public_id": world.person[which].public_id},
        "prevention:school_detail": lambda: {"public_id": world.school[which].public_id},
        "prevention:teacher_detail": lambda: {"public_id": world.teacher[which].public_id},
        "prevention:session_detail": lambda: {"public_id": world.session[which].public_id},
        "prevention:session_attendance": lambda: {"public_id": world.session[which].public_id},
        "prevention:session_certify": lambda: {"public_id": world.session[which].public_id},
        "prevention:session_add": lambda: {"public_id": world.session[which].public_id},
        "prevention:certificate": lambda: {
            "certificate_id": world.certificate[which].certificate_id
        },
        "prevention:round_detail": lambda: {"public_id": world.round[which].public_id},
        "prevention:round_done": lambda: {"public_id": world.round[which].public_id},
        "prevention:round_refer": lambda: {"public_id": world.round[which].public_id},
        "prevention:referral_detail": lambda: {"public_id": world.referral[which].public_id},
        "prevention:report_to_partner": lambda: {"public_id": world.report[which].public_id},
        "prevention:case_to_partner": lambda: {"public_id": world.case[which].public_id},
        **{
            f"takedown:{action}": (lambda: {"public_id": world.takedown[which].public_id})
            for action in (
                "detail",
                "send",
                "acknowledge",
                "complete",
                "refuse",
                "reference",
                "deadline",
                "hashes",
            )
        },
        "takedown:new_for_report": lambda: {"public_id": world.report[which].public_id},
        "takedown:new_for_subject": lambda: {"public_id": world.subject[which].public_id},
        "core:duty_shift_delete": lambda: {"public_id": world.shift[which].public_id},
        "core:duty_shift_swap": lambda: {"public_id": world.shift[which].public_id},
        "core:duty_pattern_end": lambda: {"public_id": world.pattern[which].public_id},
    }
    if name in pick:
        return pick[name]()
    if which == "other":
        return None
    fixed = {
        "guidance:page": {"slug": world.guidance.page.slug},
        "guidance:edit": {
            "slug": world.guidance.page.slug,
            "language": world.guidance.language,
        },
        "guidance:version": {
            "slug": world.guidance.page.slug,
            "language": world.guidance.language,
            "number": world.guidance.number,
        },
        "analytics:export": {"fmt": "csv"},
        "core:notification_acknowledge": {"pk": world.notification.pk},
        "core:person_second_factor_reset": {
            "user_id": User.objects.values_list("pk", flat=True).get(username="analyst")
        },
        **{
            f"core:access_change_{action}": {"public_id": world.access_change.public_id}
            for action in ("approve", "reject", "cancel")
        },
    }
    return fixed.get(name, {})


def admin_kwargs(pattern: URLPattern) -> dict:
    """An admin URL's arguments: a real row of its model (the first one), the core app, users' type."""
    from django.contrib.contenttypes.models import ContentType

    groups = set(pattern.pattern.regex.groupindex)
    kwargs: dict = {}
    model_admin = getattr(pattern.callback, "model_admin", None)
    model = model_admin.model if model_admin is not None else User
    for key in groups & {"object_id", "id", "pk"}:
        row = model._default_manager.order_by("pk").first()
        kwargs[key] = str(row.pk) if row else "0"
    if "content_type_id" in groups:
        kwargs["content_type_id"] = ContentType.objects.get_for_model(User).pk
    if "app_label" in groups:
        kwargs["app_label"] = "core"
    if "url" in groups:
        kwargs["url"] = "no-such-page/"
    return kwargs


# ---------------------------------------------------------------------------------------------------


def answer(response) -> str:
    if response.status_code in (301, 302):
        return "L" if response.url.startswith(("/staff/login/", "/admin/login/")) else "R"
    return str(response.status_code)


@pytest.fixture
def clients(world):
    from tests.conftest import StaffClient

    people = {u.username: u for u in User.objects.filter(username__in=ROLES)}
    result = {"anon": StaffClient()}
    pending = StaffClient()
    pending.force_login_password_only(people["chief"])
    result["pwd"] = pending
    for role in ROLES[2:]:
        result[role] = StaffClient()
        result[role].force_login(people[role])
    return result, people


def test_every_url_answers_every_role_as_the_table_says(world, clients):
    clients, people = clients
    expected = parse(WEB, 1)
    resolver = get_resolver()
    problems, missing = [], []
    seen, other_region_urls = set(), set()
    for name, _route, pattern in walk(resolver):
        if name.startswith("api:") and name not in WEB_API_PAGES:
            continue  # the operations are in the API table (the test below)
        seen.add(name)
        if name.startswith(("admin:", "/admin/")):
            kwargs = admin_kwargs(pattern)
        else:
            kwargs = web_kwargs(world, name, "home")
        if name.startswith("/"):
            url = re.sub(
                r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)\$?",
                lambda m, kwargs=kwargs: str(kwargs[m.group(1) or m.group(2)]),
                name,
            )
        else:
            url = reverse(name, kwargs=kwargs)
        actual = [answer(clients[role].get(url)) for role in ROLES]
        if name not in expected:
            missing.append(f"{name:<34} {' '.join(actual)}")
            continue
        if actual != expected[name]:
            problems.append(f"{name} ({url}): expected {expected[name]}, got {actual}")
        # the same URL with an object of another region: 404 to every role limited to its region
        if not name.startswith(("admin:", "/admin/")):
            other = web_kwargs(world, name, "other")
            if other:
                other_region_urls.add(name)
                other_url = reverse(name, kwargs=other)
                for role in ROLES[2:]:
                    got = answer(clients[role].get(other_url))
                    user = people[role]
                    home = expected.get(name, actual)[ROLES.index(role)]
                    want = "404" if user.role in REGIONAL_ROLES and home in ("200", "R") else home
                    if got != want:
                        problems.append(
                            f"{name} of another region ({other_url}) as {role}: "
                            f"expected {want}, got {got}"
                        )
    stale = sorted(set(expected) - seen)
    # every URL that names an object of a region was asked with another region's object too
    assert len(other_region_urls) == 55, sorted(other_region_urls)
    message = []
    if missing:
        message.append(
            "URLs without a line in WEB (tests/core/test_permission_matrix.py): add these lines, "
            "after checking each answer is what that role should get:\n" + "\n".join(missing)
        )
    if stale:
        message.append("lines in WEB for URLs that no longer exist: " + ", ".join(stale))
    if problems:
        message.append("answers that differ from the table:\n" + "\n".join(problems))
    assert not message, "\n\n".join(message)


API_QUERY = {
    "/api/v1/subjects": {"identifier": "+77010000000"},
    "/api/v1/offenders/search": {"name": "Demo Synthetic"},
}


def test_every_api_operation_answers_every_role_as_the_table_says(world, clients):
    import json

    from qorgau.api import api
    from qorgau.core import services

    clients, people = clients
    tokens = {
        role: services.api_token_create(acting_user=None, user=people[role])[1]
        for role in ROLES[2:]
    }
    columns = ["anon", "session", *ROLES[2:]]
    expected = parse(API, 2)
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    path_values = {
        "case_id": world.case["home"].public_id,
        "report_id": world.report["home"].public_id,
    }
    other_values = {
        "case_id": world.case["other"].public_id,
        "report_id": world.report["other"].public_id,
    }
    problems, missing, seen = [], [], set()

    def ask(method, path, column):
        headers = {}
        client = clients["anon"]
        if column == "session":
            client = clients["chief"]
        elif column != "anon":
            headers["HTTP_AUTHORIZATION"] = f"Bearer {tokens[column]}"
        query = API_QUERY.get(path_template, {})
        if method == "GET":
            return answer(client.get(path, query, **headers))
        return answer(
            client.generic(method, path, json.dumps({}), content_type="application/json", **headers)
        )

    for path_template, operations in schema["paths"].items():
        for method in operations:
            method = method.upper()
            key = f"{method} {path_template}"
            seen.add(key)
            path = path_template.format(**path_values)
            actual = [ask(method, path, column) for column in columns]
            if key not in expected:
                missing.append(f"{key:<48} {' '.join(actual)}")
                continue
            if actual != expected[key]:
                problems.append(f"{key}: expected {expected[key]}, got {actual}")
            if "{" in path_template:
                other = path_template.format(**other_values)
                for role in ROLES[2:]:
                    got = ask(method, other, role)
                    home = expected[key][columns.index(role)]
                    want = "404" if people[role].role in REGIONAL_ROLES and home == "200" else home
                    if got != want:
                        problems.append(
                            f"{key} of another region as {role}: expected {want}, got {got}"
                        )
    # every API URL of the URL configuration is an operation of the schema
    routes = {
        "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
        for name, route, _ in walk(get_resolver())
        if name.startswith("api:")
    }
    unlisted = sorted(routes - set(schema["paths"]) - {reverse(n) for n in WEB_API_PAGES})
    message = []
    if missing:
        message.append(
            "API operations without a line in API (tests/core/test_permission_matrix.py): add these "
            "lines, after checking each answer is what that role should get:\n" + "\n".join(missing)
        )
    if stale := sorted(set(expected) - seen):
        message.append("lines in API for operations that no longer exist: " + ", ".join(stale))
    if unlisted:
        message.append("API URLs that are not operations of the schema: " + ", ".join(unlisted))
    if problems:
        message.append("answers that differ from the table:\n" + "\n".join(problems))
    assert not message, "\n\n".join(message)


# API URLs that are pages, not operations: in the WEB table.
WEB_API_PAGES = ["api:openapi-json", "api:openapi-view", "api:api-root"]
