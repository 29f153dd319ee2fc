"""`{% panels "report_detail" report %}`: every panel the apps registered for the slot, for the
signed-in user and the page's object (core/panels.py). A slot without panels renders nothing."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from qorgau.core.panels import shown_panels

register = template.Library()


@register.simple_tag(takes_context=True)
def panels(context: Any, slot: str, obj: Any = None) -> SafeString:
    # Each panel's template is rendered like an {% include %}: with the page's context (its request,
    # user, CSRF token and language) and the panel's own context on top.
    parts = []
    for panel, panel_context in shown_panels(slot, context.get("request"), obj):
        panel_template = context.template.engine.get_template(panel.template)
        with context.push(**panel_context):
            parts.append(panel_template.render(context))
    return mark_safe("".join(parts))  # noqa: S308  (rendered templates, escaped as they render)
