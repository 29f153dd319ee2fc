"""Charts as SVG, drawn on the server: no JavaScript, printable, with a text alternative."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

COLORS = {
    "reports": "#0b4f9c",
    "cases": "#b00020",
    "P1": "#b00020",
    "P2": "#a64b00",
    "P3": "#0b4f9c",
    "P4": "#4a4a55",
}


def _svg(parts: list[str]) -> SafeString:
    """The chart's markup: every label in it went through escape() above."""
    return mark_safe("".join(parts))  # noqa: S308


@dataclass
class Chart:
    svg: SafeString
    description: str


def grouped_bars(
    *,
    rows: list[dict],
    series: list[tuple[str, str]],
    label_key: str,
    title: str,
    width: int = 720,
    height: int = 260,
) -> Chart:
    """Bars per row for each series (e.g. reports and cases per month)."""
    pad_left, pad_bottom, pad_top = 40, 40, 24
    inner_w, inner_h = width - pad_left - 10, height - pad_bottom - pad_top
    top = max([1] + [row[key] for row in rows for key, _label in series])
    group = inner_w / max(len(rows), 1)
    bar = max(group / (len(series) + 1), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{pad_left}" y1="{pad_top + inner_h}" x2="{width - 10}" y2="{pad_top + inner_h}" stroke="#999"/>',
        f'<text x="{pad_left - 6}" y="{pad_top + 4}" text-anchor="end" font-size="11">{top}</text>',
        f'<text x="{pad_left - 6}" y="{pad_top + inner_h}" text-anchor="end" font-size="11">0</text>',
    ]
    for i, row in enumerate(rows):
        x0 = pad_left + i * group + bar / 2
        for j, (key, label) in enumerate(series):
            h = inner_h * row[key] / top
            parts.append(
                f'<rect x="{x0 + j * bar:.1f}" y="{pad_top + inner_h - h:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{COLORS.get(key, "#333")}"><title>{escape(row[label_key])}: {escape(label)} {row[key]}</title></rect>'
            )
        if len(rows) <= 12 or i % 3 == 0:
            parts.append(
                f'<text x="{x0 + bar * len(series) / 2:.1f}" y="{height - pad_bottom + 14}" font-size="10" '
                f'text-anchor="middle">{escape(row[label_key])}</text>'
            )
    for j, (key, label) in enumerate(series):
        parts.append(
            f'<rect x="{pad_left + j * 120}" y="4" width="10" height="10" fill="{COLORS.get(key, "#333")}"/>'
        )
        parts.append(
            f'<text x="{pad_left + j * 120 + 14}" y="13" font-size="11">{escape(label)}</text>'
        )
    parts.append("</svg>")
    description = "; ".join(
        f"{row[label_key]}: " + ", ".join(f"{label} {row[key]}" for key, label in series)
        for row in rows
    )
    return Chart(svg=_svg(parts), description=f"{title}. {description}")


def horizontal_bars(
    *, rows: list[tuple[str, int]], title: str, width: int = 720, color: str = "#0b4f9c"
) -> Chart:
    """One bar per region (or category), longest first, with its value."""
    line = 22
    height = line * len(rows) + 10
    label_w = 230
    top = max([1] + [v for _l, v in rows])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, value) in enumerate(rows):
        y = 5 + i * line
        w = (width - label_w - 60) * value / top
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end" font-size="12">{escape(label)}</text>'
        )
        parts.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="14" fill="{color}"/>'
        )
        parts.append(f'<text x="{label_w + w + 4:.1f}" y="{y + 14}" font-size="12">{value}</text>')
    parts.append("</svg>")
    return Chart(
        svg=_svg(parts),
        description=f"{title}. " + "; ".join(f"{label}: {v}" for label, v in rows),
    )


def stacked_bar(*, parts_: list[tuple[str, str, int]], title: str, width: int = 720) -> Chart:
    """One bar split into shares (the priority mix)."""
    total = sum(v for _k, _l, v in parts_) or 1
    x = 0.0
    svg = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} 50" role="img" aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
    ]
    for key, label, value in parts_:
        w = width * value / total
        svg.append(
            f'<rect x="{x:.1f}" y="4" width="{w:.1f}" height="24" fill="{COLORS.get(key, "#333")}"><title>{escape(label)}: {value}</title></rect>'
        )
        if w > 40:
            svg.append(
                f'<text x="{x + 4:.1f}" y="21" font-size="12" fill="#fff">{escape(label)} {value}</text>'
            )
        x += w
    svg.append("</svg>")
    return Chart(
        svg=_svg(svg),
        description=f"{title}. " + "; ".join(f"{label}: {v}" for _k, label, v in parts_),
    )
