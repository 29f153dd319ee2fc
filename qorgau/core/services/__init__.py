"""Every write of the core app: the audit log, staff accounts and changes of their access, the duty rota, API tokens, rate limits and the
second factor. One module per sub-domain; every public name is here too."""

from __future__ import annotations

from qorgau.core.services.access import (
    access_change_approve,
    access_change_cancel,
    access_change_reject,
    access_change_request,
)
from qorgau.core.services.accounts import (
    notifications_mark_read,
    user_create,
    user_set_on_duty,
    user_set_password,
)
from qorgau.core.services.alerts import alert_acknowledge
from qorgau.core.services.audit import (
    audit_append,
    audit_login,
    audit_login_failed,
    audit_login_locked,
    audit_logout,
    audit_otp_failed,
    audit_personal_view,
)
from qorgau.core.services.duty import (
    PatternInput,
    duty_override_end,
    duty_override_start,
    duty_pattern_create,
    duty_pattern_end,
    duty_patterns_materialise,
    duty_shift_create,
    duty_shift_delete,
    duty_shift_swap,
)
from qorgau.core.services.limits import (
    LOGIN_ACCOUNT_ADDRESS_SCOPE,
    LOGIN_ADDRESS_SCOPE,
    LOGIN_CODE_SCOPE,
    login_failure_record,
    login_lockout_wait,
    rate_limit_key,
    rate_limit_take,
    rate_limit_wait,
)
from qorgau.core.services.second_factor import (
    otp_enrol_confirm,
    otp_totp_device_start,
    otp_verify,
    recovery_code_digests,
    recovery_codes_replace,
    second_factor_required,
    second_factor_reset,
)
from qorgau.core.services.tokens import (
    TOKEN_PREFIX,
    TOKEN_TOUCH_INTERVAL,
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
)

__all__ = [
    "LOGIN_ACCOUNT_ADDRESS_SCOPE",
    "LOGIN_ADDRESS_SCOPE",
    "LOGIN_CODE_SCOPE",
    "TOKEN_PREFIX",
    "TOKEN_TOUCH_INTERVAL",
    "PatternInput",
    "access_change_approve",
    "access_change_cancel",
    "access_change_reject",
    "access_change_request",
    "alert_acknowledge",
    "api_token_authenticate",
    "api_token_create",
    "api_token_revoke",
    "audit_append",
    "audit_login",
    "audit_login_failed",
    "audit_login_locked",
    "audit_logout",
    "audit_otp_failed",
    "audit_personal_view",
    "duty_override_end",
    "duty_override_start",
    "duty_pattern_create",
    "duty_pattern_end",
    "duty_patterns_materialise",
    "duty_shift_create",
    "duty_shift_delete",
    "duty_shift_swap",
    "login_failure_record",
    "login_lockout_wait",
    "notifications_mark_read",
    "otp_enrol_confirm",
    "otp_totp_device_start",
    "otp_verify",
    "rate_limit_key",
    "rate_limit_take",
    "rate_limit_wait",
    "recovery_code_digests",
    "recovery_codes_replace",
    "second_factor_required",
    "second_factor_reset",
    "user_create",
    "user_set_on_duty",
    "user_set_password",
]
