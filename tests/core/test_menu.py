"""The staff menu: short, grouped by task, per role; every link it offers opens."""

import re

import pytest

from qorgau.core.navigation import menu_for

pytestmark = pytest.mark.django_db

ROLES = ["analyst", "prosecutor", "chief", "central", "clinician", "police", "educator", "partner"]


def links_of(menu):
    for entry in menu:
        if entry.links:
            yield from entry.links
        else:
            yield entry


@pytest.mark.parametrize("persona", [*ROLES, "security", "admin"])
def test_the_menu_is_short_and_every_link_opens(client, personas, persona):
    user = personas[persona]
    menu = menu_for(user)
    assert 1 <= len(menu) <= 7, [str(e.label) for e in menu]
    client.force_login(user)
    for link in links_of(menu):
        assert client.get(link.url).status_code == 200, link.url


def test_a_chief_is_offered_their_regions_figures_not_the_national_picture(client, personas):
    client.force_login(personas["chief"])
    html = client.get("/staff/?lang=en").content.decode()
    assert "National picture" not in html
    assert "Figures of my region" in html
    client.force_login(personas["central"])
    html = client.get("/staff/?lang=en").content.decode()
    assert "National picture" in html and "Figures of my region" not in html


def test_the_chiefs_sections_are_grouped_by_task(personas):
    menu = {
        str(e.label): [str(link.label) for link in e.links] for e in menu_for(personas["chief"])
    }
    assert menu["Cases"] == ["Cases", "Handover", "Workload", "Staffing gap", "Assignment policy"]
    assert menu["Reports"] == ["Reports", "Duty rota", "Duty coverage", "Requests to platforms"]
    assert "People" in menu["Administration"] and "Audit log" in menu["Administration"]


def test_a_prosecutor_has_two_plain_links(personas):
    menu = menu_for(personas["prosecutor"])
    assert [(str(e.label), e.url, e.links) for e in menu] == [
        ("My work now", "/staff/", ()),
        ("Cases", "/staff/cases/", ()),
    ]


def test_the_menu_collapses_into_details_without_javascript(client, personas):
    client.force_login(personas["chief"])
    html = client.get("/staff/?lang=ru").content.decode()
    assert re.search(r'<details class="staff-menu">\s*<summary>Меню</summary>', html)
    assert html.count('<li class="menu-group"><details>') >= 3
    assert "<script" not in html.split('class="staff-menu"')[1].split("</nav>")[0]
