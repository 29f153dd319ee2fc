"""Who may act: every URL that changes data and every API write, against every role.

tests/core/test_permission_matrix.py asks every URL with GET; this file POSTs to every URL that
accepts POST (found from the views' method decorators: a new action URL without a line here fails),
and sends every API write operation with a valid body. For each:
- the answer is the one in the table below, and agrees with the policy the line names: a role the
  policy does not name is refused (403), an object outside the user's scope answers 404, anybody
  else gets past the check (their form may still be incomplete: an empty POST answers what an
  incomplete form answers);
- a refused request changes nothing: the row count of every table is the same afterwards, and the
  only audit entries added are "refused" ones;
- the same request with an object of another region answers 404 to every regional role that may
  act at home.
Every request runs in a savepoint rolled back afterwards, so each role meets the same data.

Answers as in the GET matrix: 200, 302 to the sign-in page (`L`) or elsewhere (`R`), 400, 403, 404,
405, 409, 422; for the API 201 and 401 too.
"""

from __future__ import annotations

import contextlib
import json
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from qorgau.core.enums import REGIONAL_ROLES
from qorgau.core.models import AuditEntry, User
from qorgau.core.permissions import may, policy_named
from tests.core.test_permission_matrix import (  # noqa: F401 (world, clients: fixtures)
    ROLES,
    answer,
    clients,
    walk,
    world,
)

pytestmark = pytest.mark.django_db

# POST with an empty body to every action URL, as each role. One line per URL name: the policy that
# guards it, then the answers (columns are ROLES).
ACTIONS = """
# url name                         policy                                 ano pwd ana pro chi cen cli pol edu par sec adm
core:on_duty                       core.set_on_duty                         L   L   R 403 403   R 403 403 403 403 403 403
core:duty_shift_create             core.plan_regional_duty                  L   L 403 403 400 403 403 403 403 403 403 403
core:duty_pattern_create           core.plan_regional_duty                  L   L 403 403 400 403 403 403 403 403 403 403
core:duty_national_shift_create    core.plan_national_duty                  L   L 403 403 403 400 403 403 403 403 403 403
core:duty_national_pattern_create  core.plan_national_duty                  L   L 403 403 403 400 403 403 403 403 403 403
core:duty_shift_delete             core.plan_regional_duty                  L   L 403 403   R 403 403 403 403 403 403 403
core:duty_shift_swap               core.plan_regional_duty                  L   L 403 403 400 403 403 403 403 403 403 403
core:duty_pattern_end              core.plan_regional_duty                  L   L 403 403   R 403 403 403 403 403 403 403
core:notifications                 core.read_notifications                  L   L   R   R   R   R   R   R   R   R   R   R
core:notification_acknowledge      core.acknowledge_alert                   L   L   R 404 404 404 404 404 404 404 404 404
core:person_second_factor_reset    core.reset_second_factor                 L   L 403 403 403 403 403 403 403 403   R 403
core:access_change_approve         core.decide_access_change                L   L 403 403 403 403 403 403 403 403   R 403
core:access_change_reject          core.decide_access_change                L   L 403 403 403 403 403 403 403 403   R 403
core:access_change_cancel          core.cancel_access_change                L   L 403 403 403 403 403 403 403 403 403   R
intake:report_take                 intake.take                              L   L   R 403   R   R 403 403 403 403 403 403
intake:report_message              intake.message_reporter                  L   L 400 403 400 400 403 403 403 403 403 403
intake:report_more_info            intake.ask_more_information              L   L 400 403 400 400 403 403 403 403 403 403
intake:report_priority             intake.set_priority                      L   L 400 403 400 400 403 403 403 403 403 403
intake:report_refer                intake.refer                             L   L 400 403 400 400 403 403 403 403 403 403
intake:report_close                intake.close                             L   L 400 403 400 400 403 403 403 403 403 403
intake:report_link                 intake.link_subject                      L   L 400 403 400 400 403 403 403 403 403 403
intake:report_unlink               intake.remove_link                       L   L 400 403 400 400 403 403 403 403 403 403
intake:report_duplicate            intake.mark_duplicate                    L   L 400 403 400 400 403 403 403 403 403 403
intake:staff_evidence              intake.download_evidence                 L   L 200 403 200 200 403 403 403 403 403 403
intake:report_file_match           intake.decide_file_match                 L   L 400 403 400 400 403 403 403 403 403 403
intake:staff_hash_lists            linking.import_hash_list                 L   L 403 403 403 400 403 403 403 403 403 403
cases:case_stage                   cases.move_stage                         L   L 404 400 400 403 403 403 403 403 403 403
cases:case_care                    cases.tick_care                          L   L 404   R   R 403 403 403 403 403 403 403
cases:case_reassign                cases.reassign                           L   L 404 403 400 403 403 403 403 403 403 403
cases:case_handover                cases.confirm_handover                   L   L 404 403   R 403 403 403 403 403 403 403
cases:from_report                  cases.create_from_report                 L   L 400 403 400 400 403 403 403 403 403 403
cases:policy                       cases.publish_policy                     L   L 403 403 403 400 403 403 403 403 403 403
guidance:edit                      guidance.edit                            L   L 403 403 403 400 403 403 403 403 403 403
guidance:version                   guidance.edit                            L   L 403 403 403   R 403 403 403 403 403 403
offenders:import                   offenders.register                       L   L 403 403 403 200 200 403 403 403 403 403
offenders:person_examination       offenders.record_examination             L   L 403 403 403 403 400 404 403 403 403 403
offenders:person_risk              offenders.assess_risk                    L   L 403 403 403 403 400 404 403 403 403 403
offenders:person_treatment         offenders.start_treatment                L   L 403 403 403 403 400 404 403 403 403 403
offenders:person_session           offenders.record_treatment_session       L   L 403 403 403 403   R 404 403 403 403 403
offenders:person_treatment_end     offenders.end_treatment                  L   L 403 403 403 403   R 404 403 403 403 403
offenders:person_release           offenders.release                        L   L 403 403 400 400 400 404 403 403 403 403
offenders:person_meeting           offenders.record_meeting                 L   L 403 403   R 403 404   R 403 403 403 403
offenders:person_violation         offenders.record_violation               L   L 403 403 400 403 404 400 403 403 403 403
offenders:person_end_supervision   offenders.end_supervision                L   L 403 403   R 403 404   R 403 403 403 403
prevention:school_new              prevention.create_school                 L   L 403 403 403 400 403 403 400 403 403 403
prevention:school_import           prevention.import_schools                L   L 403 403 403 400 403 403 400 403 403 403
prevention:teacher_new             prevention.create_teacher                L   L 403 403 403 403 403 403 400 403 403 403
prevention:teacher_detail          prevention.designate_master_trainer      L   L 403 403 403 403 403 403   R 403 403 403
prevention:session_new             prevention.create_session                L   L 403 403 403 403 403 403 400 403 403 403
prevention:session_attendance      prevention.record_attendance             L   L 403 403 403 403 403 403   R 403 403 403
prevention:session_certify         prevention.certify                       L   L 403 403 403 403 403 403   R 403 403 403
prevention:session_add             prevention.add_attendee                  L   L 403 403 403 403 403 403   R 403 403 403
prevention:round_new               prevention.plan_round                    L   L 403 403 403 403 403 403 400 403 403 403
prevention:round_done              prevention.record_round                  L   L 403 403 403 403 403 403 400 403 403 403
prevention:round_refer             prevention.refer_from_round              L   L 403 403 403 403 403 403 400 403 403 403
prevention:referral_detail         prevention.respond_to_referral           L   L 403 403 403 403 403 403 403 400 403 403
prevention:report_to_partner       prevention.refer_report_to_partner       L   L   R 404   R 403 404 404 404 404 404 404
prevention:case_to_partner         prevention.refer_case_to_partner         L   L 404   R   R 403 404 404 404 404 404 404
takedown:send                      takedown.send                            L   L   R 403   R 403 403 403 403 403 403 403
takedown:acknowledge               takedown.record_answer                   L   L   R 403   R 403 403 403 403 403 403 403
takedown:complete                  takedown.record_answer                   L   L   R 403   R 403 403 403 403 403 403 403
takedown:refuse                    takedown.record_answer                   L   L   R 403   R 403 403 403 403 403 403 403
takedown:reference                 takedown.set_reference                   L   L   R 403   R 403 403 403 403 403 403 403
takedown:deadline                  takedown.set_deadline                    L   L   R 403   R 403 403 403 403 403 403 403
takedown:new_for_report            takedown.request_from_report             L   L 400 403 400 403 403 403 403 403 403 403
takedown:new_for_subject           takedown.request_from_subject            L   L 400 403 400 403 403 403 403 403 403 403
analytics:note                     analytics.write_note                     L   L 403 403   R 403 403 403 403 403 403 403
"""

# URLs that accept POST but change no programme data, or are for everybody: checked by their own
# tests (sign-in, the public Red Button and its follow-up, the language).
NOT_ACTIONS = {
    "core:login",
    "core:login_verify",
    "core:login_enrol",
    "core:logout",
    "set_language",
    "intake:report",
    "intake:status",
    "intake:status_close",
}


def view_methods(view) -> set[str] | None:
    """The methods a view's `require_http_methods` (or require_GET/POST) allows, or None."""
    seen = view
    while seen is not None:
        for cell in getattr(seen, "__closure__", None) or ():
            try:
                value = cell.cell_contents
            except ValueError:
                continue
            if (
                isinstance(value, list | tuple)
                and value
                and all(isinstance(v, str) and v.isupper() for v in value)
            ):
                return set(value)
        seen = getattr(seen, "__wrapped__", None)
    return None


def action_urls():
    from django.urls import get_resolver

    for name, _route, pattern in walk(get_resolver()):
        if name.startswith(("admin:", "/admin/", "api:")):
            continue
        methods = view_methods(pattern.callback)
        if methods and methods & {"POST", "PUT", "PATCH", "DELETE"}:
            yield name


def parse(table: str, key_words: int = 1) -> dict[str, tuple[str, list[str]]]:
    rows = {}
    for line in table.strip().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        words = line.split()
        rows[" ".join(words[:key_words])] = (words[key_words], words[key_words + 1 :])
    return rows


def table_counts() -> tuple[int, ...]:
    """The number of rows of every table, in one query."""
    tables = _tables()
    quote = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(cursor.fetchone())


def objects_of(objects_, name: str, which: str):
    """The URL arguments of an action URL, and the object the policy is asked about."""
    region = objects_.report[which].region
    if name == "core:person_second_factor_reset":
        person = User.objects.filter(username="analyst").first() if which == "home" else None
        return ({"user_id": person.pk}, person) if person else (None, None)
    if name == "core:notification_acknowledge":
        notification = objects_.notification
        return ({"pk": notification.pk}, notification) if which == "home" else (None, None)
    if name in ("core:duty_shift_delete", "core:duty_shift_swap"):
        shift = objects_.shift[which]
        return {"public_id": shift.public_id}, shift
    if name == "core:duty_pattern_end":
        pattern = objects_.pattern[which]
        return {"public_id": pattern.public_id}, pattern
    if name.startswith("core:access_change_"):
        change = objects_.access_change
        return ({"public_id": change.public_id}, change) if which == "home" else (None, None)
    if name == "intake:staff_hash_lists":  # the programme's lists: no region
        return ({}, region) if which == "home" else (None, None)
    if name == "intake:staff_evidence":
        report = objects_.report[which]
        return {
            "public_id": report.public_id,
            "evidence_id": objects_.evidence[which].public_id,
        }, report
    if name == "takedown:new_for_report":
        report = objects_.report[which]
        return {"public_id": report.public_id}, report
    if name == "takedown:new_for_subject":
        # the policy's object is the region the request is for (a subject has none of its own)
        return {"public_id": objects_.subject[which].public_id}, region
    if name.startswith("takedown:"):
        request = objects_.takedown[which]
        return {"public_id": request.public_id}, request
    if name in SUPERVISION or name in TREATMENT:
        person = (objects_.supervised if name in SUPERVISION else objects_.person)[which]
        return ({"public_id": person.public_id}, person) if person else (None, None)
    by_name = {"intake": objects_.report, "cases": objects_.case, "offenders": objects_.person}
    app, _sep, action = name.partition(":")
    if app in by_name and action not in {"import", "policy"}:
        objects = objects_.report if name == "cases:from_report" else by_name[app]
        obj = objects[which]
        return {"public_id": obj.public_id}, obj
    prevention = {
        "prevention:report_to_partner": objects_.report,
        "prevention:case_to_partner": objects_.case,
        "prevention:teacher_detail": objects_.teacher,
        "prevention:referral_detail": objects_.referral,
    }
    if name in prevention:
        obj = prevention[name][which]
        return {"public_id": obj.public_id}, obj
    if name.startswith("prevention:session_") and name != "prevention:session_new":
        obj = objects_.session[which]
        return {"public_id": obj.public_id}, obj
    if name.startswith("prevention:round_") and name != "prevention:round_new":
        obj = objects_.round[which]
        return {"public_id": obj.public_id}, obj
    if name.startswith("guidance:"):
        if which == "other":
            return None, None
        version = objects_.guidance
        kwargs = {"slug": version.page.slug, "language": version.language}
        if name == "guidance:version":
            kwargs["number"] = version.number
        return kwargs, version
    # no object in the URL: the action is on the user's own region, or the programme
    return ({}, region) if which == "home" else (None, None)


SUPERVISION = {
    "offenders:person_meeting",
    "offenders:person_violation",
    "offenders:person_end_supervision",
}
TREATMENT = {"offenders:person_session", "offenders:person_treatment_end"}


@pytest.fixture
def plans(world):  # noqa: F811
    """What the treatment and supervision actions act on (a POST names the plan, or the plan is
    the person's current one): a programme under way for the register entry of each region, and a
    released person under supervision in each region (`world.supervised`)."""
    from qorgau.core import services as core
    from qorgau.core.models import Region
    from qorgau.offenders import services as offenders

    today = timezone.localdate()
    for which, code in (("home", "KZ-75"), ("other", "KZ-71")):
        region = Region.objects.get(code=code)
        offenders.treatment_start(
            person=world.person[which],
            acting_user=None,
            programme="Synthetic programme",
            planned_sessions=3,
            started_on=today - timedelta(days=7),
        )
        officer = User.objects.filter(role="police_supervisor", region=region).first()
        if officer is None:
            officer = core.user_create(
                acting_user=None,
                username=f"police.{code.lower()}",
                role="police_supervisor",
                password=None,
                region=region,
                gender="m",
                language="ru",
                full_name="Demo Police Other",
                email=f"police.{code.lower()}@example.invalid",
            )
        person = world.offender(code)
        world.supervised = {**getattr(world, "supervised", {}), which: person}
        offenders.release(
            person=person, acting_user=None, released_on=today, region=region, officer=officer
        )


def post_data(name: str, obj) -> dict:
    """What a POST names besides the URL: the plan of the treatment actions."""
    if name in TREATMENT and obj is not None:
        plan = obj.treatment_plans.filter(status="active").first()
        return {"plan": plan.pk}
    if name == "offenders:person_meeting" and obj is not None:
        from qorgau.offenders.models import Meeting

        return {"meeting": Meeting.objects.filter(plan__person=obj).order_by("pk").first().pk}
    return {}


def _tables() -> list[str]:
    return sorted(
        {m._meta.db_table for m in apps.get_models() if m._meta.managed and not m._meta.proxy}
    )


def ask(
    client, url: str, method: str = "POST", body: dict | None = None, data=None, **headers
) -> dict:
    """One request, in a savepoint rolled back afterwards (not for the Red Button's intake, whose
    durable transaction must be the outermost one: what it writes stays): its answer, and whether
    it wrote anything but "refused" audit entries (every table's row count is compared)."""
    durable = url.endswith("/api/v1/reports")
    with transaction.atomic() if not durable else contextlib.nullcontext():
        before = table_counts()
        last = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        if method == "POST" and body is None:
            response = client.post(url, data or {})
        else:
            response = client.generic(
                method, url, json.dumps(body or {}), content_type="application/json", **headers
            )
        added = list(AuditEntry.objects.filter(seq__gt=last).values_list("action", flat=True))
        after = list(table_counts())
        after[_tables().index(AuditEntry._meta.db_table)] -= added.count("refused")
        wrote = tuple(after) != before or any(a != "refused" for a in added)
        if not durable:
            transaction.set_rollback(True)
    return {"answer": answer(response), "wrote": wrote}


def test_every_action_url_answers_every_role_as_its_policy_says(world, clients, plans):  # noqa: F811
    clients, people = clients
    expected = parse(ACTIONS)
    problems, missing, seen = [], [], set()
    for name in action_urls():
        if name in NOT_ACTIONS:
            continue
        seen.add(name)
        kwargs, obj = objects_of(world, name, "home")
        url = reverse(name, kwargs=kwargs)
        data = post_data(name, obj)
        results = [ask(clients[role], url, data=data) for role in ROLES]
        actual = [r["answer"] for r in results]
        if name not in expected:
            missing.append(f"{name:<34} {'?':<38} {' '.join(actual)}")
            continue
        policy_name, want = expected[name]
        policy = policy_named(policy_name)
        if actual != want:
            problems.append(f"{name} ({url}): expected {want}, got {actual}")
        for role, result in zip(ROLES, results, strict=True):
            if result["answer"] in ("403", "404", "L") and result["wrote"]:
                problems.append(f"{name} as {role}: refused ({result['answer']}) but wrote")
            if role in ("anon", "pwd"):
                continue
            allowed = may(people[role], policy, obj)
            if allowed == (result["answer"] in ("403", "404")):
                problems.append(
                    f"{name} as {role}: the policy {policy_name} says "
                    f"{'allowed' if allowed else 'refused'}, the answer is {result['answer']}"
                )
        other_kwargs, other = objects_of(world, name, "other")
        if other_kwargs:
            other_url = reverse(name, kwargs=other_kwargs)
            for role in ROLES[2:]:
                home = want[ROLES.index(role)] if name in expected else actual[ROLES.index(role)]
                if people[role].role not in REGIONAL_ROLES or home in ("403", "404"):
                    continue
                result = ask(clients[role], other_url, data=post_data(name, other))
                if result["answer"] != "404" or result["wrote"]:
                    problems.append(
                        f"{name} of another region as {role}: expected 404 writing nothing, got "
                        f"{result['answer']}{' and it wrote' if result['wrote'] else ''}"
                    )
    message = []
    if missing:
        message.append(
            "action URLs without a line in ACTIONS: add these lines with the policy that guards "
            "each, after checking each answer is what that role should get:\n" + "\n".join(missing)
        )
    stale = sorted(set(expected) - seen)
    if stale:
        message.append("lines in ACTIONS for URLs that no longer exist: " + ", ".join(stale))
    if problems:
        message.append("answers that differ:\n" + "\n".join(problems))
    assert not message, "\n\n".join(message)


def test_every_view_says_which_methods_it_answers():
    from django.urls import get_resolver

    unmarked = [
        name
        for name, _route, pattern in walk(get_resolver())
        if not name.startswith(("admin:", "/admin/", "api:"))
        and name not in {"core:login", "core:logout", "set_language"}
        and view_methods(pattern.callback) is None
    ]
    assert not unmarked, "decorate these views with require_GET/require_POST/...: " + ", ".join(
        unmarked
    )


# Every API operation that writes, with a valid body, as every role (columns: anon, a chief's
# browser session without a token, then a personal token of each role). The line names its policy.
API_WRITES = """
# operation                      policy                  ano ses ana pro chi cen cli pol edu par sec adm
POST /api/v1/reports             intake.file_through_api  401 401 201 403 403 403 403 403 403 403 403 403
POST /api/v1/cases               cases.register          401 401 201 201 201 201 403 403 403 403 403 403
PATCH /api/v1/cases/{case_id}    cases.move_stage        401 401 404 200 200 403 404 404 404 404 404 404
POST /api/v1/offenders           offenders.register      401 401 403 403 403 201 201 403 403 403 403 403
"""


def api_bodies(world, which: str) -> dict[str, dict]:  # noqa: F811
    region = "KZ-75" if which == "home" else "KZ-71"
    return {
        "POST /api/v1/reports": {
            "category": "grooming",
            "narrative": "Synthetic: a man keeps writing to a pupil.",
            "region": region,
        },
        "POST /api/v1/cases": {
            "registry_number": "990000000001" if which == "home" else "990000000002",
            "articles": ["120"],
            "region": region,
            "victims": [{"age": 12, "gender": "f"}],
        },
        "PATCH /api/v1/cases/{case_id}": {"stage": "in_court", "reason": "Synthetic: to court."},
        "POST /api/v1/offenders": {
            "full_name": "Демо Синтетический Второй",
            "date_of_birth": "1979-03-02",
            "region": region,
        },
    }


def test_every_api_write_answers_every_role_as_its_policy_says(world, clients):  # noqa: F811
    from qorgau.api import api
    from qorgau.core import services

    clients, people = clients
    tokens = {
        role: services.api_token_create(acting_user=None, user=people[role])[1]
        for role in ROLES[2:]
    }
    columns = ["anon", "session", *ROLES[2:]]
    expected = parse(API_WRITES, 2)
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    problems, missing = [], []

    def path_of(template: str, which: str) -> str:
        return template.format(case_id=world.case[which].public_id)

    for template, operations in schema["paths"].items():
        for method in operations:
            if method.upper() == "GET":
                continue
            key = f"{method.upper()} {template}"
            body = api_bodies(world, "home").get(key)
            if key not in expected or body is None:
                missing.append(key)
                continue
            policy_name, want = expected[key]
            policy_named(policy_name)  # the line names a policy that exists
            actual = []
            for column in columns:
                client = clients["chief"] if column == "session" else clients["anon"]
                headers = {}
                if column not in ("anon", "session"):
                    headers["HTTP_AUTHORIZATION"] = f"Bearer {tokens[column]}"
                result = ask(client, path_of(template, "home"), method.upper(), body, **headers)
                actual.append(result["answer"])
                if result["answer"] in ("401", "403", "404") and result["wrote"]:
                    problems.append(f"{key} as {column}: refused ({result['answer']}) but wrote")
            if actual != want:
                problems.append(f"{key}: expected {want}, got {actual}")
            # the same write into, or on an object of, another region
            other = api_bodies(world, "other")[key]
            for role in ROLES[2:]:
                home = want[columns.index(role)]
                if people[role].role not in REGIONAL_ROLES or home not in ("200", "201"):
                    continue
                headers = {"HTTP_AUTHORIZATION": f"Bearer {tokens[role]}"}
                result = ask(
                    clients["anon"], path_of(template, "other"), method.upper(), other, **headers
                )
                if result["answer"] not in ("403", "404") or result["wrote"]:
                    problems.append(
                        f"{key} in another region as {role}: expected a refusal writing nothing, "
                        f"got {result['answer']}{' and it wrote' if result['wrote'] else ''}"
                    )
    assert not missing, "API writes without a line and a body in API_WRITES: " + ", ".join(missing)
    assert not problems, "answers that differ:\n" + "\n".join(problems)
