"""Every query of the work queues and of the dashboard can be served by an index (PostgreSQL).

Method. The pages and the API are requested as their users would (analyst, central office,
chief, prosecutor), every SELECT they run is captured with its parameters, and each one is
explained with `SET enable_seqscan = off`. That setting does not forbid a sequential scan: it
makes it so expensive that the planner takes any index able to serve the query, and falls back to
a sequential scan only where *no* index can. So a "Seq Scan" on one of the big tables in such a
plan means a missing index, whatever the size of the data; and an index scanned from end to end
under a Sort (an index used only to avoid the sequential scan, not to find or order rows) counts as
missing too. What this test does not claim: that the planner *prefers* the index on a given
amount of data (on a national yearly figure that reads half the table a sequential scan is the
right plan; those figures are pre-aggregated or kept a minute, and bench/dashboard.py measures
them at 1 million reports). The data: a few thousand rows from `manage.py generate`, analysed.
"""

import json
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="query plans are checked on PostgreSQL"
    ),
]

BIG_TABLES = {
    "intake_report",
    "cases_case",
    "cases_victim",
    "cases_case_articles",
    "analytics_dailycount",
    "offenders_person",
    "offenders_conviction",
}


@pytest.fixture
def data(reference_data, capsys):
    call_command(
        "generate", "--reports=3000", "--cases=800", "--offenders=200", "--seed=7", "--no-progress"
    )
    capsys.readouterr()


def plan_problems(sql: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        plan = cursor.fetchone()[0]
        cursor.execute("SET LOCAL enable_seqscan = on")
    plan = json.loads(plan) if isinstance(plan, str) else plan
    problems = []

    def walk(node: dict, under_sort: bool) -> None:
        table = node.get("Relation Name")
        kind = node["Node Type"]
        if table in BIG_TABLES:
            if kind == "Seq Scan":
                problems.append(f"Seq Scan on {table}")
            elif (
                kind in ("Index Scan", "Index Only Scan")
                and "Index Cond" not in node
                and under_sort
            ):
                problems.append(f"whole index {node.get('Index Name')} scanned and sorted")
        for child in node.get("Plans", []):
            walk(child, under_sort or kind == "Sort")

    walk(plan[0]["Plan"], False)
    return problems


def selects_on_big_tables(client, paths: list[str], token: str = "") -> list[str]:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    with CaptureQueriesContext(connection) as captured:
        for path in paths:
            assert client.get(path, **headers).status_code == 200, path
    return [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].lstrip().upper().startswith("SELECT")
        and any(f'"{t}"' in q["sql"] for t in BIG_TABLES)
    ]


def assert_indexed(statements: list[str]) -> None:
    assert statements
    bad = {sql: problems for sql in statements if (problems := plan_problems(sql))}
    for sql, problems in bad.items():
        print("PLAN PROBLEM", problems, sql[sql.find(" FROM ") :])
    assert bad == {}


def test_the_analysts_queue_is_served_by_indexes(client, data, analyst):
    client.force_login(analyst)
    today = date.today().isoformat()
    assert_indexed(
        selects_on_big_tables(
            client,
            [
                "/staff/reports/",
                "/staff/reports/?sort=deadline",
                "/staff/reports/?sort=newest",
                "/staff/reports/?sort=oldest",
                "/staff/reports/?overdue=on",
                "/staff/reports/?status=received&priority=P1",
                f"/staff/reports/?day={today}",
                "/staff/reports/?page=3",
            ],
        )
    )


def test_the_central_queue_is_served_by_indexes(client, data, central):
    client.force_login(central)
    assert_indexed(
        selects_on_big_tables(
            client,
            [
                "/staff/reports/",
                "/staff/reports/?sort=newest",
                "/staff/reports/?sort=deadline",
                "/staff/reports/?region=KZ-75",
                "/staff/reports/?overdue=on",
            ],
        )
    )


def test_the_case_queues_are_served_by_indexes(client, data, chief, prosecutor):
    client.force_login(chief)
    statements = selects_on_big_tables(
        client, ["/staff/cases/", "/staff/cases/?view=all", "/staff/cases/handover/"]
    )
    client.force_login(prosecutor)
    statements += selects_on_big_tables(client, ["/staff/cases/"])
    assert_indexed(statements)


def test_the_dashboard_is_served_by_indexes(client, data, central, chief):
    from qorgau.core.services import api_token_create

    year = date.today().year
    client.force_login(central)
    statements = selects_on_big_tables(
        client, ["/staff/dashboard/", "/staff/dashboard/?region=KZ-75"]
    )
    client.force_login(chief)
    statements += selects_on_big_tables(client, ["/staff/dashboard/"])
    _, token = api_token_create(acting_user=None, user=central)
    client.logout()
    statements += selects_on_big_tables(
        client, [f"/api/v1/stats/summary?year={year}&region=KZ-71"], token=token
    )
    assert_indexed(statements)
