"""Charts as SVG, drawn on the server: no JavaScript, printable, with a text alternative.

This module only does the geometry. A chart is a list of marks (lines, rectangles, texts) in drawing
order whose labels are plain strings; `analytics/charts/chart.svg` draws them with autoescaping on,
so a region's name or a category label can never become markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from django.utils.formats import localize

COLORS = {
    "reports": "#0b4f9c",
    "cases": "#b00020",
    "P1": "#b00020",
    "P2": "#a64b00",
    "P3": "#0b4f9c",
    "P4": "#4a4a55",
}


def _n(value: int) -> str:
    """A count as the page shows it in the active language (the template would do the same)."""
    return str(localize(value))


def _at(value: float) -> float:
    """A coordinate to a tenth of a unit, as a float (the template writes it unlocalized)."""
    return round(float(value), 1)


@dataclass(frozen=True)
class Line:
    kind: ClassVar[str] = "line"
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str


@dataclass(frozen=True)
class Rect:
    kind: ClassVar[str] = "rect"
    x: float
    y: float
    width: float
    height: float
    fill: str
    title: str = ""  # the tooltip, also read by screen readers


@dataclass(frozen=True)
class Text:
    kind: ClassVar[str] = "text"
    x: float
    y: float
    text: str
    size: int
    anchor: str = ""
    fill: str = ""


@dataclass
class Chart:
    """What `analytics/charts/chart.svg` draws; `description` is the figure's text alternative."""

    width: int
    height: int
    title: str
    description: str
    marks: list[Line | Rect | Text] = field(default_factory=list)

    template_name: ClassVar[str] = "analytics/charts/chart.svg"


def grouped_bars(
    *,
    rows: list[dict],
    series: list[tuple[str, str]],
    label_key: str,
    title: str,
    width: int = 720,
    height: int = 260,
    font: int = 11,
) -> Chart:
    """Bars per row for each series (e.g. reports and cases per month); `font` in the chart's own
    units (drawn at `width`, a chart scales to its column: the page picks both so text stays
    readable)."""
    pad_left, pad_bottom, pad_top = 40, 40, 24 + max(font - 11, 0)
    inner_w, inner_h = width - pad_left - 10, height - pad_bottom - pad_top
    top = max([1] + [row[key] for row in rows for key, _label in series])
    group = inner_w / max(len(rows), 1)
    bar = max(group / (len(series) + 1), 1)
    baseline = pad_top + inner_h
    marks: list[Line | Rect | Text] = [
        Line(x1=pad_left, y1=baseline, x2=width - 10, y2=baseline, stroke="#999"),
        Text(x=pad_left - 6, y=pad_top + 4, text=_n(top), size=font, anchor="end"),
        Text(x=pad_left - 6, y=baseline, text=_n(0), size=font, anchor="end"),
    ]
    # a label every `step` rows, so that labels (about 4 characters' width each) never overlap
    step = (
        1 if len(rows) <= 12 and group >= font * 4 else max(3, -(-font * 4 // max(int(group), 1)))
    )
    for i, row in enumerate(rows):
        x0 = pad_left + i * group + bar / 2
        for j, (key, label) in enumerate(series):
            h = inner_h * row[key] / top
            marks.append(
                Rect(
                    x=_at(x0 + j * bar),
                    y=_at(baseline - h),
                    width=_at(bar),
                    height=_at(h),
                    fill=COLORS.get(key, "#333"),
                    title=f"{row[label_key]}: {label} {_n(row[key])}",
                )
            )
        if i % step == 0:
            marks.append(
                Text(
                    x=_at(x0 + bar * len(series) / 2),
                    y=height - pad_bottom + 14,
                    text=str(row[label_key]),
                    size=font if font >= 12 else max(font - 1, 10),
                    anchor="middle",
                )
            )
    legend = max(120, (width - pad_left) // max(len(series), 1))
    for j, (key, label) in enumerate(series):
        marks.append(
            Rect(x=pad_left + j * legend, y=4, width=10, height=10, fill=COLORS.get(key, "#333"))
        )
        marks.append(Text(x=pad_left + j * legend + 14, y=13, text=str(label), size=font))
    description = "; ".join(
        f"{row[label_key]}: " + ", ".join(f"{label} {_n(row[key])}" for key, label in series)
        for row in rows
    )
    return Chart(
        width=width,
        height=height,
        title=str(title),
        description=f"{title}. {description}",
        marks=marks,
    )


def horizontal_bars(
    *,
    rows: list[tuple[str, int]],
    title: str,
    width: int = 720,
    color: str = "#0b4f9c",
    font: int = 12,
) -> Chart:
    """One bar per region (or category), longest first, with its value. On a wide chart the label
    stands left of its bar; on a narrow one (under 560 units), above it, so a long name fits."""
    above = width < 560
    line = font * 2 + 14 if above else 22
    height = line * len(rows) + 10
    label_w = 0 if above else 230
    top = max([1] + [v for _l, v in rows])
    marks: list[Line | Rect | Text] = []
    for i, (label, value) in enumerate(rows):
        y = 5 + i * line
        bar_y = y + font + 4 if above else y + 3
        w = (width - label_w - 60) * value / top
        if above:
            marks.append(Text(x=0, y=y + font, text=str(label), size=font))
        else:
            marks.append(Text(x=label_w - 6, y=y + 14, text=str(label), size=font, anchor="end"))
        marks.append(Rect(x=label_w, y=bar_y, width=_at(w), height=14, fill=color))
        marks.append(Text(x=_at(label_w + w + 4), y=bar_y + 11, text=_n(value), size=font))
    return Chart(
        width=width,
        height=height,
        title=str(title),
        description=f"{title}. " + "; ".join(f"{label}: {_n(v)}" for label, v in rows),
        marks=marks,
    )


def stacked_bar(
    *, parts_: list[tuple[str, str, int]], title: str, width: int = 720, font: int = 12
) -> Chart:
    """One bar split into shares (the priority mix)."""
    total = sum(v for _k, _l, v in parts_) or 1
    x = 0.0
    marks: list[Line | Rect | Text] = []
    for key, label, value in parts_:
        w = width * value / total
        marks.append(
            Rect(
                x=_at(x),
                y=4,
                width=_at(w),
                height=24,
                fill=COLORS.get(key, "#333"),
                title=f"{label}: {_n(value)}",
            )
        )
        if w > font * 3.5:
            marks.append(
                Text(x=_at(x + 4), y=21, text=f"{label} {_n(value)}", size=font, fill="#fff")
            )
        x += w
    return Chart(
        width=width,
        height=50,
        title=str(title),
        description=f"{title}. " + "; ".join(f"{label}: {_n(v)}" for _k, label, v in parts_),
        marks=marks,
    )
