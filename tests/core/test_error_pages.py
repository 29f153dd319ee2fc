"""Error pages: the staff layout for a signed-in member of staff, the child's for the public; no
personal data on either."""

import pytest

from qorgau.core.error_views import server_error

pytestmark = pytest.mark.django_db

QUICK_EXIT = 'id="quick-exit"'
STAFF_MENU = 'class="staff-menu"'


def assert_staff_layout(html):
    assert STAFF_MENU in html and "Log out" in html
    assert QUICK_EXIT not in html and "helplines" not in html


def assert_public_layout(html):
    assert QUICK_EXIT in html and 'class="helplines"' in html
    assert STAFF_MENU not in html


def test_a_404_for_staff_has_the_staff_menu_and_for_the_public_the_childs_layout(client, analyst):
    response = client.get("/no-such-page/?lang=en")
    assert response.status_code == 404
    assert_public_layout(response.content.decode())
    client.force_login(analyst)
    response = client.get("/staff/reports/NoSuchReport123/?lang=en")
    assert response.status_code == 404
    html = response.content.decode()
    assert_staff_layout(html)
    assert 'href="/staff/"' in html and "Back to your overview" in html


def test_a_403_for_staff_uses_the_staff_layout(client, analyst):
    client.force_login(analyst)
    response = client.get("/staff/cases/handover/?lang=en")
    assert response.status_code == 403
    assert_staff_layout(response.content.decode())


def test_a_member_of_staff_who_has_not_passed_the_second_factor_gets_the_public_layout(
    client, chief
):
    client.force_login_password_only(chief)
    response = client.get("/no-such-page/?lang=en")
    assert response.status_code == 404
    assert_public_layout(response.content.decode())
    assert chief.get_full_name() not in response.content.decode()


def test_a_413_for_staff_uses_the_staff_layout_even_before_sign_in_is_read(
    client, analyst, settings
):
    settings.QORGAU_MAX_OTHER_REQUEST_BYTES = 1024
    response = client.post("/staff/notifications/?lang=en", {"x": "a" * 4096})
    assert response.status_code == 413
    assert_public_layout(response.content.decode())
    client.force_login(analyst)
    response = client.post("/staff/notifications/?lang=en", {"x": "a" * 4096})
    assert response.status_code == 413
    assert_staff_layout(response.content.decode())


def test_the_error_pages_do_not_repeat_what_was_asked(client, analyst):
    client.force_login(analyst)
    html = client.get("/staff/reports/NoSuch/?find=%2B77011234567&lang=en").content.decode()
    assert "77011234567" not in html


def test_a_500_for_staff_uses_the_staff_layout_and_the_public_gets_the_static_page(
    rf, analyst, reference_data
):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/staff/")
    request.user = AnonymousUser()
    request.session = {}
    public = server_error(request)
    assert public.status_code == 500 and "102" in public.content.decode()
    assert STAFF_MENU not in public.content.decode()
    request = rf.get("/staff/")
    analyst.is_verified = lambda: True
    request.user = analyst
    request.session = {}
    staff = server_error(request)
    assert staff.status_code == 500
    assert_staff_layout(staff.content.decode())
