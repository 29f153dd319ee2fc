from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from qorgau.analytics import charts, policies, selectors, services
from qorgau.cases.enums import Stage
from qorgau.core import exports
from qorgau.core.permissions import On, may, scope_of
from qorgau.core.types import AuthedRequest
from qorgau.intake.enums import Category, Priority


def _year(request: HttpRequest) -> int:
    try:
        return max(2000, min(int(request.GET.get("year", "")), 2100))
    except ValueError:
        return timezone.localdate().year


# Charts are drawn about as wide as a phone's column and scale up with it: their text, 13 units at
# 380, is never under 12 px on a 390 px screen, and larger on a desktop.
CHART_WIDTH, CHART_FONT = 380, 13


def _charts(scope: selectors.Scope, figures: dict, table: list) -> list[charts.Chart]:
    series = selectors.monthly_series(scope=scope)
    for row in series:
        row["label"] = row["month"].strftime("%Y-%m")
    made = [
        charts.grouped_bars(
            rows=series,
            series=[("reports", _("Reports")), ("cases", _("Criminal cases"))],
            label_key="label",
            title=_("Reports and cases per month, last 24 months"),
            width=CHART_WIDTH,
            font=CHART_FONT,
        ),
        charts.stacked_bar(
            parts_=[(p, p, figures["reports_by_priority"][p]) for p in ["P1", "P2", "P3", "P4"]],
            title=_("Reports by priority"),
            width=CHART_WIDTH,
            font=CHART_FONT,
        ),
    ]
    if len(table) > 1:
        made.append(
            charts.horizontal_bars(
                rows=sorted(((row.region.name, row.reports) for row in table), key=lambda r: -r[1]),
                title=_("Reports per region"),
                width=CHART_WIDTH,
                font=CHART_FONT,
            )
        )
    return made


def _training(request: AuthedRequest, scope: selectors.Scope) -> Any:
    """The training cascade's coverage for the scope (the prevention app's figures)."""
    from qorgau.prevention.selectors import coverage_for_user

    coverage = coverage_for_user(user=request.user, region=scope.region)
    if scope.region is None and coverage.national is not None:
        return coverage.national
    return coverage.rows[0] if coverage.rows else None


@login_required
@require_GET
def dashboard(request: AuthedRequest) -> HttpResponse:
    scope = selectors.scope_for(
        user=request.user, year=_year(request), region_code=request.GET.get("region")
    )
    figures = selectors.summary(scope=scope)
    table_all = selectors.region_table(user=request.user, year=scope.year)
    table = table_all
    if scope.region:
        table = [row for row in table_all if row.region.pk == scope.region.pk]
    context = {
        "scope": scope,
        "f": figures,
        "table": table,
        # the region selector offers every region the reader may see, also after drilling into one
        "table_all": table_all,
        "charts": _charts(scope, figures, table),
        "categories": Category.choices,
        "priorities": Priority.values,
        "spikes": selectors.spike_list_for_user(user=request.user),
        "missing_notes": selectors.regions_missing_note(user=request.user),
        "sees_every_region": scope_of(request.user, policies.VIEW_FIGURES) is On.ANY,
        "may_write_note": may(request.user, policies.WRITE_NOTE, request.user.region),
        "month": timezone.localdate().replace(day=1),
        "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
        "training": _training(request, scope),
        "stage_labels": dict(Stage.choices),
    }
    return render(request, "analytics/dashboard.html", context)


@login_required
@require_POST
def note(request: AuthedRequest) -> HttpResponse:
    try:
        services.note_save(
            acting_user=request.user, month=timezone.localdate(), text=request.POST.get("text", "")
        )
    except services.NoteRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your note is saved beside the region's figures."))
    return redirect("analytics:dashboard")


# The region table's download: a person's file, so the headers are in the reader's language and the
# regions are named; each region's ISO 3166-2 code stays in its own column for joining tables.
# Numbers stay numbers (Excel shows them as the reader's computer writes them). The machine
# interface is the API (/api/v1/stats/summary), not this file.
TABLE_COLUMNS = [
    "region",
    "region_code",
    "reports",
    "deadline_breaches",
    "child_victims",
    "child_victims_previous_year",
    "change_percent",
    "per_100k_children",
    "convictions",
    "note",
]


def table_header() -> list[str]:
    """The export's first row in the active language, one label per TABLE_COLUMNS key."""
    labels = {
        "region": _("Region"),
        "region_code": _("Region code"),
        "reports": _("Reports"),
        "deadline_breaches": _("Deadline missed"),
        "child_victims": _("Child victims"),
        "child_victims_previous_year": _("Child victims last year"),
        "change_percent": _("Change from last year, %"),
        "per_100k_children": _("Per 100,000 children"),
        "convictions": _("Convictions"),
        "note": _("The chief's note this month"),
    }
    return [str(labels[key]) for key in TABLE_COLUMNS]


def _table_rows(request: AuthedRequest) -> list[list[Any]]:
    rows = selectors.region_table(user=request.user, year=_year(request))
    return [
        [
            r.region.name,
            r.region.code,
            r.reports,
            r.overdue_breaches,
            r.child_victims,
            r.child_victims_previous_year,
            r.change_percent if r.change_percent is not None else "",
            r.per_100k if r.per_100k is not None else "",
            r.convictions,
            r.note.text if r.note else "",
        ]
        for r in rows
    ]


@login_required
@require_GET
def export(request: AuthedRequest, fmt: str) -> HttpResponse:
    """The region table as CSV or Excel, with the viewer's permissions applied."""
    rows = _table_rows(request)
    name = f"qorgau-regions-{_year(request)}"
    if fmt == "csv":
        return exports.csv_response(name=name, header=table_header(), rows=rows)
    if fmt == "xlsx":
        return exports.xlsx_response(
            name=name, title=str(_year(request)), header=table_header(), rows=rows
        )
    raise PermissionDenied


@login_required
@require_GET
def monthly(request: AuthedRequest) -> HttpResponse:
    """A printable monthly report: the month's figures, the region table and the chiefs' notes."""
    try:
        month = date.fromisoformat(request.GET.get("month", "") + "-01")
    except ValueError:
        month = timezone.localdate().replace(day=1)
    scope = selectors.scope_for(
        user=request.user, year=month.year, region_code=request.GET.get("region")
    )
    figures = selectors.summary(scope=scope)
    table = selectors.region_table(user=request.user, year=month.year)
    notes = selectors.notes_for_month(user=request.user, month=month)
    return render(
        request,
        "analytics/monthly.html",
        {"month": month, "f": figures, "table": table, "notes": notes, "scope": scope},
    )
