"""`{% panels "report_detail" report %}`: every panel the apps registered for the slot, for the
signed-in user and the page's object (core/panels.py). A slot without panels renders nothing."""

from __future__ import annotations

from typing import Any

from django import template

from qorgau.core.panels import shown_panels

register = template.Library()


@register.simple_tag(takes_context=True)
def panels(context: Any, slot: str, obj: Any = None) -> str:
    # Each panel's template is rendered like an {% include %}: with the page's context (its request,
    # user, CSRF token and language) and the panel's own context on top.
    # A rendered template is already safe markup (it escaped as it rendered); adding safe strings
    # keeps them safe, so nothing here is marked safe by hand.
    rendered = ""
    for panel, panel_context in shown_panels(slot, context.get("request"), obj):
        panel_template = context.template.engine.get_template(panel.template)
        with context.push(**panel_context):
            part = panel_template.render(context)
        rendered = part if not rendered else rendered + part
    return rendered
