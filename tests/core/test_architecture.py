"""The house's rules that a reader checks by looking, checked by a test instead (issue 17).

- Who may act is decided in each app's policies.py and nowhere else: no specific role is named in a
  view, a form, an API module, a selector, a service, a template or a template tag.
- Every function of a services module that writes is a `@service` (one transaction; refusals
  audited after the rollback; with QORGAU_CHECK_SERVICE_AUDIT, as in the test suite, one that
  returns without an audit entry fails), unless it is periodic work of the system listed below.
- No module of application code is much over 500 lines.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "qorgau"
APPS = [
    "core",
    "linking",
    "guidance",
    "intake",
    "cases",
    "offenders",
    "prevention",
    "takedown",
    "analytics",
]

# Where a role may be named: the rules themselves, the enum, and the demo data's personas.
ROLE_FILES = {"policies.py", "permissions.py", "enums.py", "demo.py"}
ROLE_MEMBER = re.compile(r"\bRole\.[A-Z][A-Z_]+\b")
ROLE_VALUES = {
    "analyst",
    "prosecutor",
    "regional_chief",
    "central_office",
    "clinician",
    "police_supervisor",
    "education_coordinator",
    "partner",
    "admin",
}
TEMPLATE_ROLE = re.compile(r"\buser\.role\b")


def _compares_a_role(node: ast.Compare) -> bool:
    """`x.role == "analyst"`, `x.role in {...}`: a role (or a role set) written outside policies."""
    sides = [node.left, *node.comparators]
    if not any(isinstance(side, ast.Attribute) and side.attr == "role" for side in sides):
        return False
    return any(
        (isinstance(side, ast.Constant) and side.value in ROLE_VALUES)
        or isinstance(side, ast.Set | ast.Tuple | ast.List)
        for side in sides
    )


def _python_files():
    for path in sorted(ROOT.rglob("*.py")):
        if "migrations" in path.parts or "management" in path.parts:
            continue
        yield path


def test_no_role_is_named_outside_the_policies():
    found = []
    for path in _python_files():
        if path.name in ROLE_FILES:
            continue
        text = path.read_text()
        for number, line in enumerate(text.splitlines(), 1):
            if ROLE_MEMBER.search(line):
                found.append(f"{path.relative_to(ROOT.parent)}:{number}: {line.strip()}")
        tree = ast.parse(text)
        for node in ast.walk(tree):
            # `user.role == "analyst"`, `role in {"analyst", ...}`: a role set written elsewhere
            if isinstance(node, ast.Compare) and _compares_a_role(node):
                found.append(f"{path.relative_to(ROOT.parent)}:{node.lineno}: compares with a role")
    for path in sorted(ROOT.rglob("templates/**/*.html")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if TEMPLATE_ROLE.search(line) and "get_role_display" not in line:
                found.append(f"{path.relative_to(ROOT.parent)}:{number}: {line.strip()[:100]}")
    assert not found, "name roles only in policies.py (ask may() elsewhere):\n" + "\n".join(found)


# Periodic work of the system (run by `tick`, by commands or on commit): not a person's action, so
# not a @service. Each writes figures, schedules or alerts, never a person's data.
PERIODIC = {
    "qorgau.analytics.services.fill_report_counts",
    "qorgau.analytics.services.detect_spikes",
    "qorgau.cases.handover.handover_tick",
    "qorgau.cases.assignment.assign_pending",
    "qorgau.core.services.audit.audit_addresses_cut",
    "qorgau.core.services.limits.rate_limit_buckets_prune",
}
# The audit log and the sign-in bookkeeping themselves (they are what @service relies on: a person
# signing in acts on their own account, before any role applies), and linking's machinery, which
# runs only inside the services that link (they check who may act).
INFRASTRUCTURE = {
    "qorgau.core.services.audit.audit_append",
    "qorgau.core.services.audit.audit_login",
    "qorgau.core.services.audit.audit_logout",
    "qorgau.core.services.audit.audit_login_failed",
    "qorgau.core.services.audit.audit_login_locked",
    "qorgau.core.services.audit.audit_otp_failed",
    "qorgau.core.services.audit.audit_personal_view",
    "qorgau.core.services.tokens.api_token_authenticate",
    "qorgau.core.services.limits.rate_limit_take",
    "qorgau.core.services.limits.login_failure_record",
    "qorgau.core.services.second_factor.otp_totp_device_start",
    "qorgau.core.services.second_factor.otp_enrol_confirm",
    "qorgau.core.services.second_factor.otp_verify",
    "qorgau.core.services.second_factor.recovery_codes_replace",
    "qorgau.intake.services.platforms.platform_authenticate",
    "qorgau.linking.services.link_owner",
    "qorgau.linking.services.unlink_owner",
    "qorgau.linking.services.link_by_analyst",
    "qorgau.linking.services.recount_subject",
    "qorgau.linking.services.adopt_old_lookups",
}
# (dicts called `counts` or `..._cache` are updated in memory: not writes)
WRITES = re.compile(
    r"(?<!counts)(?<!_cache)\.(save|create|update|delete|bulk_create|bulk_update|get_or_create|update_or_create)\("
    r"|\b(audit_append|insert_row|insert_rows|transition)\("
)


def _service_modules():
    for app in APPS:
        try:
            package = importlib.import_module(f"qorgau.{app}.services")
        except ModuleNotFoundError:
            continue
        yield package
        for info in pkgutil.iter_modules(getattr(package, "__path__", [])):
            yield importlib.import_module(f"{package.__name__}.{info.name}")
    for name in ("qorgau.cases.assignment", "qorgau.cases.handover"):
        try:
            yield importlib.import_module(name)
        except ModuleNotFoundError:
            continue


def test_every_function_of_a_services_module_that_writes_is_a_service():
    unmarked, seen = [], set()
    for module in _service_modules():
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or function.__module__ != module.__name__:
                continue
            qualified = f"{module.__name__}.{name}"
            if hasattr(function, "qorgau_service"):
                continue
            if qualified in PERIODIC | INFRASTRUCTURE:
                seen.add(qualified)
                continue
            if WRITES.search(inspect.getsource(function)):
                unmarked.append(qualified)
            seen.add(qualified)
    stale = sorted((PERIODIC | INFRASTRUCTURE) - seen)
    assert not stale, "listed but no longer there: " + ", ".join(stale)
    assert not unmarked, (
        "these functions write but are not @service (one transaction, require() first, an audit "
        "entry); mark them, or list system-only periodic work in PERIODIC:\n" + "\n".join(unmarked)
    )


def test_no_module_of_application_code_is_over_about_500_lines():
    long = [
        f"{path.relative_to(ROOT.parent)}: {n} lines"
        for path in _python_files()
        if (n := len(path.read_text().splitlines())) > 550
    ]
    assert not long, "split these modules by sub-domain:\n" + "\n".join(long)
