import pytest
from django.core.management import call_command

from qorgau.core.enums import Role
from qorgau.core.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


def test_it_makes_one_user_per_role_with_printed_working_passwords(
    reference_data, var_dir, client, capsys
):
    call_command("seed_demo")
    out = capsys.readouterr().out
    logins = (var_dir / "demo-logins.txt").read_text()
    assert set(Role.values) <= set(User.objects.values_list("role", flat=True))
    assert User.objects.get(username="central").role == Role.CENTRAL_OFFICE
    for line in logins.splitlines():
        if line.startswith("#"):
            continue
        username, password = line.split()[:2]
        assert password in out
        assert client.login(username=username, password=password), username
    assert oct((var_dir / "demo-logins.txt").stat().st_mode)[-3:] == "600"


def test_a_second_run_keeps_the_users_and_the_logins(reference_data, var_dir, capsys):
    call_command("seed_demo")
    first = (var_dir / "demo-logins.txt").read_text()
    count = User.objects.count()
    call_command("seed_demo")
    assert (var_dir / "demo-logins.txt").read_text() == first
    assert User.objects.count() == count
    assert "already there" in capsys.readouterr().out


def test_demo_people_are_obviously_synthetic(reference_data, var_dir):
    call_command("seed_demo")
    for user in User.objects.all():
        assert user.full_name.startswith("Demo ")
        assert user.email.endswith("@example.invalid")


def test_every_app_gets_synthetic_demo_data(reference_data, var_dir, settings, tmp_path):
    from qorgau.intake.models import Report

    settings.MEDIA_ROOT = tmp_path / "files"
    call_command("seed_demo")
    assert Report.objects.count() >= 20
    assert all("[DEMO]" in r.narrative or "[ДЕМО]" in r.narrative for r in Report.objects.all())
    assert Report.objects.filter(region__code="KZ-71").exists()  # for the outsider analyst
    assert "platform API token" in (var_dir / "demo-logins.txt").read_text()
    from qorgau.analytics.models import SpikeAlert
    from qorgau.cases.models import Case
    from qorgau.offenders.models import Person

    assert SpikeAlert.objects.filter(region__code="KZ-19").exists()  # a spike seeded in the demo
    assert Case.objects.filter(
        prosecutor__isnull=True
    ).exists()  # Shymkent has no eligible prosecutor
    assert Person.objects.filter(status="supervised").exists()


def test_a_p1_report_after_the_demo_is_on_the_demo_analysts_home_at_once(
    reference_data, var_dir, settings, tmp_path, client, django_capture_on_commit_callbacks
):
    """`make run`, then a P1 report of the home region on the Red Button: the demo analyst is on
    duty, so it is waiting on her "my work now" with nothing else run."""
    from qorgau.intake.models import Report
    from tests.intake.test_views import form_data

    settings.MEDIA_ROOT = tmp_path / "files"
    call_command("seed_demo")
    analyst = User.objects.get(username="analyst")
    from qorgau.core.duty import is_on_duty

    assert is_on_duty(analyst) and analyst.region.code == "KZ-75"
    before = set(Report.objects.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/report/",
            form_data(narrative="Он сказал, что завтра встретит её после школы.", submission="p1"),
        )
    p1 = Report.objects.exclude(pk__in=before).get()
    assert p1.priority == "P1"
    client.force_login(analyst)
    response = client.get("/staff/")
    assert p1.public_id in response.content.decode()
    assert response.context["alert_count"] == response.context["unread_notifications"]() >= 1
