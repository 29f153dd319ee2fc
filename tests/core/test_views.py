"""Public and staff pages of the core app."""

import pytest
from django.urls import reverse

from qorgau.core.models import AuditEntry
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


class TestHealthz:
    @pytest.fixture(autouse=True)
    def _database_queue(self, settings):
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    def test_it_answers_200_when_the_database_and_the_queue_answer(self, client):
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.content.decode().splitlines() == [
            "ok",
            "database ok",
            "queue ok (database): nothing waiting",
        ]

    def test_it_answers_503_naming_the_queue_when_redis_is_down(self, client, settings):
        settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
        settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:1/0"}}  # nothing listens
        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.content.decode().splitlines() == [
            "unavailable",
            "database ok",
            "queue unavailable: ConnectionError",
        ]


class TestPublicPages:
    def test_home_has_the_red_button_the_quick_exit_and_the_helplines(self, client, reference_data):
        response = client.get("/")
        html = response.content.decode()
        assert response.status_code == 200
        assert 'class="report-button" href="/report/"' in html
        assert 'id="quick-exit"' in html and 'rel="noreferrer noopener"' in html
        for number in ("150", "111", "102", "112"):
            assert f'href="tel:{number}"' in html

    def test_help_lists_every_helpline(self, client, reference_data):
        html = client.get("/help/").content.decode()
        assert html.count('class="phone"') == 5

    def test_public_pages_have_a_strict_content_security_policy(self, client, reference_data):
        response = client.get("/")
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert "<script>" not in response.content.decode()  # no inline scripts

    def test_a_phone_can_read_it(self, client, reference_data):
        assert (
            'name="viewport" content="width=device-width, initial-scale=1"'
            in client.get("/").content.decode()
        )

    def test_a_missing_page_answers_404_with_the_helplines(self, client, reference_data):
        response = client.get("/no-such-page/")
        assert response.status_code == 404
        assert 'href="tel:150"' in response.content.decode()


class TestLanguages:
    def test_it_speaks_russian_by_default(self, client, reference_data):
        response = client.get("/")
        assert response.headers["Content-Language"] == "ru"
        assert '<html lang="ru">' in response.content.decode()

    def test_the_browser_language_is_honoured(self, client, reference_data):
        response = client.get("/", HTTP_ACCEPT_LANGUAGE="kk-KZ,kk;q=0.9")
        assert '<html lang="kk">' in response.content.decode()
        assert "Сайттан тез шығу" in response.content.decode()

    def test_an_unknown_language_falls_back_to_russian(self, client, reference_data):
        response = client.get("/?lang=xx", HTTP_ACCEPT_LANGUAGE="en")
        assert '<html lang="ru">' in response.content.decode()
        assert "Быстро уйти с сайта" in response.content.decode()

    def test_the_switcher_works_without_javascript(self, client, reference_data):
        response = client.post("/i18n/setlang/", {"language": "kk", "next": "/help/"})
        assert response.status_code == 302 and response.url == "/help/"
        html = client.get("/help/").content.decode()
        assert '<html lang="kk">' in html
        assert "Сенім телефондары" in html or "Көмек" in html

    def test_a_lang_link_sets_the_language_for_the_next_pages(self, client, reference_data):
        client.get("/?lang=en")
        assert '<html lang="en">' in client.get("/help/").content.decode()

    def test_staff_see_their_preferred_language(self, client, analyst):
        analyst.language = "kk"
        analyst.save(update_fields=["language"])
        client.force_login(analyst)
        assert '<html lang="kk">' in client.get("/staff/").content.decode()


class TestLogin:
    def test_staff_pages_need_a_login(self, client, reference_data):
        for url in ("/staff/", "/staff/people/", "/staff/audit/"):
            response = client.get(url)
            assert response.status_code == 302
            assert response.url.startswith("/staff/login/?next=")

    def test_a_right_password_signs_in_and_is_audited(self, client, analyst):
        response = client.post("/staff/login/", {"username": "analyst", "password": PASSWORD})
        assert response.status_code == 302 and response.url == "/staff/"
        entry = AuditEntry.objects.get(action="auth.login")
        assert entry.actor == analyst and entry.ip == "127.0.0.1"

    def test_a_wrong_password_is_refused_clearly_and_audited(self, client, analyst):
        response = client.post(
            "/staff/login/", {"username": "analyst", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="en"
        )
        assert response.status_code == 200
        assert "The username or password is wrong" in response.content.decode()
        assert 'value="analyst"' in response.content.decode()  # what was typed is kept
        entry = AuditEntry.objects.get(action="auth.login_failed")
        assert entry.details == {"username": "analyst", "known_user": True}
        assert "wrong" not in str(entry.details)

    def test_the_refusal_is_in_russian_too(self, client, analyst):
        response = client.post("/staff/login/", {"username": "analyst", "password": "wrong"})
        assert "Неверное имя пользователя или пароль" in response.content.decode()

    def test_logout_is_a_post_and_is_audited(self, client, analyst):
        client.force_login(analyst)
        response = client.post("/staff/logout/")
        assert response.status_code == 302
        assert AuditEntry.objects.filter(action="auth.logout", actor=analyst).exists()
        assert client.get("/staff/").status_code == 302


CASE_PAGES = {
    "/staff/cases/",
    "/staff/cases/handover/",
    "/staff/cases/workload/",
    "/staff/cases/staffing/",
    "/staff/cases/policy/",
}

OFFENDER_PAGES = {"/staff/offenders/", "/staff/offenders/coverage/", "/staff/supervision/"}
PREVENTION_PAGES = {"/staff/prevention/", "/staff/partner-referrals/"}

NAVIGATION = {
    "analyst": {"/staff/", "/staff/reports/", "/staff/partner-referrals/"},
    "prosecutor": {"/staff/", "/staff/cases/"},
    "chief": {
        "/staff/",
        "/staff/dashboard/",
        "/staff/reports/",
        "/staff/people/",
        "/staff/audit/",
        *CASE_PAGES,
        *OFFENDER_PAGES,
        *PREVENTION_PAGES,
    },
    "central": {
        "/staff/",
        "/staff/dashboard/",
        "/staff/reports/",
        "/staff/people/",
        "/staff/audit/",
        "/staff/offenders/import/",
        "/staff/guidance/",
        *CASE_PAGES,
        *OFFENDER_PAGES,
        *PREVENTION_PAGES,
    },
    "clinician": {
        "/staff/",
        "/staff/offenders/",
        "/staff/offenders/coverage/",
        "/staff/offenders/import/",
    },
    "police": {"/staff/", "/staff/offenders/", "/staff/supervision/"},
    "educator": {"/staff/", "/staff/prevention/"},
    "partner": {"/staff/", "/staff/partner-referrals/", "/staff/partner-referrals/figures/"},
    "admin": {"/staff/", "/staff/people/", "/staff/audit/"},
}


class TestStaffPages:
    @pytest.mark.parametrize("persona", sorted(NAVIGATION))
    def test_navigation_follows_the_role(self, client, personas, persona):
        client.force_login(personas[persona])
        response = client.get("/staff/")
        assert response.status_code == 200
        nav = response.context["staff_navigation"]
        assert {item.url for item in nav} == NAVIGATION[persona]

    @pytest.mark.parametrize(
        "persona", ["analyst", "prosecutor", "clinician", "police", "educator", "partner"]
    )
    def test_people_and_audit_pages_are_refused_to_other_roles(self, client, personas, persona):
        client.force_login(personas[persona])
        assert client.get("/staff/people/").status_code == 403
        assert client.get("/staff/audit/").status_code == 403

    def test_a_chief_sees_the_people_of_their_region_only(self, client, personas):
        client.force_login(personas["chief"])
        response = client.get("/staff/people/")
        shown = {u.username for u in response.context["page"]}
        assert "analyst" in shown and "prosecutor" in shown
        assert "outsider" not in shown and "central" not in shown

    def test_the_central_office_sees_everyone(self, client, personas):
        client.force_login(personas["central"])
        shown = {u.username for u in client.get("/staff/people/?role=analyst").context["page"]}
        assert shown == {"analyst", "outsider"}

    def test_a_chief_reads_the_audit_of_their_region_only(self, client, personas):
        from qorgau.core import services

        services.audit_login(user=personas["analyst"], ip=None)
        services.audit_login(user=personas["outsider"], ip=None)
        client.force_login(personas["chief"])
        labels = {e.actor_label for e in client.get("/staff/audit/").context["page"]}
        assert "analyst" in labels and "outsider" not in labels

    def test_list_pages_cost_a_fixed_number_of_queries(
        self, client, personas, django_assert_max_num_queries
    ):
        from qorgau.core import services

        for _ in range(30):
            services.audit_login(user=personas["analyst"], ip=None)
        client.force_login(personas["central"])
        with django_assert_max_num_queries(12):
            assert client.get("/staff/audit/").status_code == 200
        with django_assert_max_num_queries(12):
            assert client.get("/staff/people/").status_code == 200


class TestAdmin:
    def test_the_admin_login_page_sends_to_the_staff_login(self, client, reference_data):
        response = client.get("/admin/login/?next=/admin/")
        assert response.status_code == 302 and response.url.startswith("/staff/login/")

    def test_an_administrator_manages_people(self, client, admin_user):
        client.force_login(admin_user)
        assert client.get(reverse("admin:core_user_changelist")).status_code == 200
        assert client.get(reverse("admin:core_region_changelist")).status_code == 200

    def test_an_administrators_change_is_audited(self, client, admin_user, analyst):
        client.force_login(admin_user)
        url = reverse("admin:core_helpline_change", args=[1]).replace(
            "/1/", f"/{_first_helpline_pk()}/"
        )
        data = client.get(url).context["adminform"].form.initial
        data = {k: v for k, v in data.items() if v is not None}
        data["hours"] = "8:00–20:00"
        response = client.post(url, data)
        assert response.status_code == 302
        entry = AuditEntry.objects.get(action="admin.change")
        assert entry.actor == admin_user and entry.details == {"fields": ["hours"]}

    @pytest.mark.parametrize("persona", ["analyst", "chief", "central", "prosecutor"])
    def test_other_roles_never_reach_the_admin(self, client, personas, persona):
        client.force_login(personas[persona])
        assert client.get("/admin/").status_code in (302, 403)
        assert client.get(reverse("admin:core_user_changelist")).status_code in (302, 403)


def _first_helpline_pk() -> int:
    from qorgau.core.models import Helpline

    return Helpline.objects.order_by("pk").first().pk
