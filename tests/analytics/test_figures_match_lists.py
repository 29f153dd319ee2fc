"""Every figure of the dashboard that links to a list equals that list's length, at every moment:
between two ticks, after a tick, across the year's first and last hours in the programme's time
zone, for the country, a drilled-into region and a regional chief."""

import html
import re
from datetime import datetime, time

import pytest
from django.utils import timezone

from qorgau.analytics import services
from qorgau.intake import services as intake
from qorgau.intake.enums import Source
from qorgau.intake.models import Report

pytestmark = pytest.mark.django_db

# <a class="figure" href="…"><span class="value">N</span> · <a href="…">N</a> (priority, regions)
# · <a href="…">label</a></td><td>N</td> (categories, stages)
FIGURE = re.compile(r'<a class="figure" href="([^"]+)">\s*<span class="value">(\d+)</span>')
NUMBER = re.compile(r'<a href="(/staff/(?:reports|cases)/\?[^"]+)">(\d+)</a>')
ROW = re.compile(r'<td><a href="(/staff/(?:reports|cases)/\?[^"]+)">[^<]+</a></td><td>(\d+)</td>')


def submit(region="KZ-75", category="grooming", priority_words="", when=None):
    report = intake.report_submit(
        draft=intake.ReportDraft(
            category=category, narrative=f"Synthetic {priority_words}", region_code=region
        ),
        submitter=intake.Submitter(source=Source.WEB),
    ).report
    if when is not None:
        Report.objects.filter(pk=report.pk).update(created_at=when)
    return report


def register(number, code="KZ-75"):
    from qorgau.cases import services as cases

    return cases.case_create(
        acting_user=None,
        data=cases.CaseInput(
            registry_number=number,
            articles=["120"],
            region_code=code,
            victims=[cases.VictimInput(age=13)],
        ),
    )


def linked_figures(page: str) -> list[tuple[str, int]]:
    found = [
        (html.unescape(href), int(n))
        for pattern in (FIGURE, NUMBER, ROW)
        for href, n in pattern.findall(page)
    ]
    # the child-victims figure counts victims, its list shows their cases: not a count of rows
    return [(h, n) for h, n in found if "/staff/reports/" in h or "stage=" in h]


def assert_each_figure_equals_its_list(client, dashboard_url: str) -> int:
    page = client.get(dashboard_url).content.decode()
    figures = linked_figures(page)
    assert len(figures) >= 10, figures
    for href, n in figures:
        listed = client.get(href).context["page"].paginator.count
        assert listed == n, f"{href}: the figure says {n}, the list has {listed}"
    # the child victims' figure links to their cases, and says how many there are
    victims = re.search(
        r'<a class="figure" href="([^"]+)">(?:(?!</a>).)*?cases-opened">in (\d+) ', page, re.S
    )
    assert victims, "the child-victims figure says in how many cases"
    listed = client.get(html.unescape(victims.group(1))).context["page"].paginator.count
    assert listed == int(victims.group(2))
    return len(figures)


def local(year, month, day, hour, minute=0):
    return timezone.make_aware(
        datetime.combine(datetime(year, month, day).date(), time(hour, minute))
    )


def test_the_figures_equal_their_lists_between_ticks_and_after(
    client, central, django_capture_on_commit_callbacks
):
    year = timezone.localdate().year
    submit()
    submit(category="abuse")
    submit(region="KZ-71")
    submit(region=None, category="other")
    register("262700031000001")
    register("262700031000002", code="KZ-71")
    # the first half-hour of the year and the last of the previous one, in Almaty time (UTC+5):
    # in UTC both fall on the previous year's 31 December
    submit(when=local(year, 1, 1, 0, 30))
    submit(when=local(year - 1, 12, 31, 23, 30))
    services.fill_report_counts()
    client.force_login(central)
    assert_each_figure_equals_its_list(client, f"/staff/dashboard/?year={year}")
    # reports arrive after the tick: the figures (cached or not) follow at once
    for _ in range(4):
        submit()
    assert_each_figure_equals_its_list(client, f"/staff/dashboard/?year={year}")
    assert_each_figure_equals_its_list(client, f"/staff/dashboard/?year={year}&region=KZ-75")
    page = client.get(f"/staff/dashboard/?year={year}&region=KZ-75").content.decode()
    assert '<span class="value">7</span><span class="label">' in page.replace("\n    ", "")
    # and after the next tick, still
    services.fill_report_counts()
    assert_each_figure_equals_its_list(client, f"/staff/dashboard/?year={year}")


def test_a_chiefs_figures_equal_their_lists(client, chief):
    year = timezone.localdate().year
    submit()
    services.fill_report_counts()
    submit(category="abuse")
    client.force_login(chief)
    assert_each_figure_equals_its_list(client, f"/staff/dashboard/?year={year}")
