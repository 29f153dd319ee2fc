"""The panel registry: an app shows its panel in another app's page through a named slot."""

import pytest
from django.template import Context, Engine
from django.test import RequestFactory

from qorgau.core import panels

# An engine of its own: the pages below and the panels' templates, kept in memory.
ENGINE = Engine(
    libraries={"qorgau_panels": "qorgau.core.templatetags.qorgau_panels"},
    loaders=[
        (
            "django.template.loaders.locmem.Loader",
            {
                "test/panel.html": "<{{ word }} {{ who }} {{ request.path }}>",
                "test/other_panel.html": "<other {{ word }}>",
            },
        )
    ],
)
PAGE = '{% load qorgau_panels %}[{% panels "report_detail" obj %}]{{ who }}'


@pytest.fixture
def registered():
    """Panels registered for the test, removed after it (the apps' own panels stay)."""
    names = []

    def register(name, context, *, slot="report_detail", template="test/panel.html", **kw):
        names.append((slot, name))
        return panels.register_panel(slot, name, template=template, context=context, **kw)

    yield register
    for slot, name in names:
        panels.unregister_panel(slot, name)


def render(page=PAGE, path="/staff/x/", **context):
    request = RequestFactory().get(path)
    return ENGINE.from_string(page).render(Context({"request": request, "who": "page", **context}))


def test_a_slot_with_no_panels_renders_nothing(monkeypatch):
    monkeypatch.setitem(panels._PANELS, "report_detail", {})
    assert render(obj="x") == "[]page"


def test_a_registered_panel_is_rendered_with_its_context_and_the_pages(monkeypatch, registered):
    monkeypatch.setitem(panels._PANELS, "report_detail", {})
    seen = []

    def context(request, obj):
        seen.append((request.path, obj))
        return {"word": f"hello-{obj}"}

    registered("test.hello", context)
    # the panel sees the page's request and variables; its own variables end with it
    assert render(obj=7) == "[<hello-7 page /staff/x/>]page"
    assert seen == [("/staff/x/", 7)]


def test_a_panel_whose_context_is_none_is_not_shown(monkeypatch, registered):
    monkeypatch.setitem(panels._PANELS, "report_detail", {})
    registered("test.hidden", lambda request, obj: None)
    registered("test.shown", lambda request, obj: {"word": "b"}, template="test/other_panel.html")
    assert render(obj=1) == "[<other b>]page"


def test_panels_come_in_their_order_and_a_name_registered_again_replaces_its_panel(
    monkeypatch, registered
):
    monkeypatch.setitem(panels._PANELS, "report_detail", {})
    registered("test.b", lambda r, o: {"word": "b"}, template="test/other_panel.html")
    registered("test.a", lambda r, o: {"word": "a"}, order=5)
    assert render(obj=1) == "[<other b><a page /staff/x/>]page"
    registered("test.b", lambda r, o: {"word": "B"}, template="test/other_panel.html")
    assert render(obj=1) == "[<other B><a page /staff/x/>]page"
    assert [p.name for p in panels.panels_for("report_detail")] == ["test.b", "test.a"]


def test_a_panel_is_shown_only_in_its_own_slot(monkeypatch, registered):
    monkeypatch.setitem(panels._PANELS, "report_detail", {})
    monkeypatch.setitem(panels._PANELS, "case_detail", {})
    registered("test.case", lambda r, o: {"word": "case"}, slot="case_detail")
    assert render(obj=1) == "[]page"
    assert (
        render('{% load qorgau_panels %}{% panels "case_detail" obj %}', obj=1)
        == "<case page /staff/x/>"
    )


def test_an_unknown_slot_is_refused():
    with pytest.raises(ValueError, match="no panel slot 'report_detial'"):
        panels.register_panel("report_detial", "x", template="x.html", context=lambda r, o: None)
    with pytest.raises(ValueError):
        render('{% load qorgau_panels %}{% panels "nope" %}')


def test_the_apps_register_their_panels_when_django_starts():
    assert {p.name for p in panels.panels_for("help")} >= {"guidance.pages"}
    assert {p.name for p in panels.panels_for("report_sent")} >= {"guidance.read_more"}
    assert {p.name for p in panels.panels_for("report_detail")} >= {"prevention.refer_report"}
    assert {p.name for p in panels.panels_for("case_detail")} >= {"prevention.refer_case"}
