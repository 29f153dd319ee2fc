"""Panels: what an app shows inside a page of an app below it, without that app knowing of it.

A page names a slot where panels go (`{% load qorgau_panels %}{% panels "report_detail" report %}`);
an app above registers, in its `AppConfig.ready()`, a panel for the slot: a template and a function
that builds the template's context from the request and the page's object, or returns None when the
panel is not shown (to that user, for that object). So intake's report page shows prevention's
"refer to a partner" box, and core's help page the guidance pages, while imports and template
libraries keep flowing one way: core ← linking ← guidance ← intake ← cases ← offenders, prevention.

Panels ask, they do not decide: what a panel offers is checked again by the service it posts to.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

# The slots and the object each one's page passes to its panels.
SLOTS: Mapping[str, str] = {
    "help": "the public help page (no object)",
    "report_sent": "the page shown after a report is sent (the report)",
    "report_detail": "the staff page of a report, among its actions (the report)",
    "case_detail": "the page of a criminal case, among its actions (the case)",
    "subject_detail": "the staff page of a subject, below its facts (the subject)",
}

# (request or None, the page's object or None) -> the panel template's context, or None: not shown.
PanelContext = Callable[[HttpRequest | None, Any], Mapping[str, Any] | None]


@dataclass(frozen=True)
class Panel:
    slot: str
    name: str
    template: str
    context: PanelContext
    # Panels of a slot are shown by `order`, then by name.
    order: int = 0


_PANELS: dict[str, dict[str, Panel]] = {slot: {} for slot in SLOTS}


def register_panel(
    slot: str, name: str, *, template: str, context: PanelContext, order: int = 0
) -> Panel:
    """Show `template` in `slot` wherever `context(request, obj)` gives a context.

    `name` ("prevention.refer_report") identifies the panel: registering it again replaces it."""
    if slot not in SLOTS:
        raise ValueError(f"There is no panel slot {slot!r}: the slots are {', '.join(SLOTS)}.")
    panel = Panel(slot=slot, name=name, template=template, context=context, order=order)
    _PANELS[slot][name] = panel
    return panel


def unregister_panel(slot: str, name: str) -> None:
    _PANELS[slot].pop(name, None)


def panels_for(slot: str) -> list[Panel]:
    """The panels registered for `slot`, in the order they are shown."""
    if slot not in SLOTS:
        raise ValueError(f"There is no panel slot {slot!r}: the slots are {', '.join(SLOTS)}.")
    return sorted(_PANELS[slot].values(), key=lambda p: (p.order, p.name))


def shown_panels(
    slot: str, request: HttpRequest | None, obj: Any = None
) -> list[tuple[Panel, Mapping[str, Any]]]:
    """Each panel of `slot` that is shown for this request and object, with its context."""
    shown = []
    for panel in panels_for(slot):
        context = panel.context(request, obj)
        if context is not None:
            shown.append((panel, context))
    return shown
