"""Browser tests: Playwright driving Debian's chromium against a live test server.

They skip, saying why, only where no chromium can be found (the Makefile installs it with apt-get).

Helpers every journey uses:
- `staff_login(page, username_or_user, password)` signs a member of staff in through the real
  sign-in form (and whatever steps that form asks for), the only way the journeys log staff in;
- `screenshot(page, name)` writes docs/screenshots/<name>.png, only when QORGAU_SCREENSHOTS=1
  (so that ordinary runs and CI never rewrite the tracked pictures);
- `assert_accessible(page)` runs axe-core (vendored by axe-playwright-python: no network) and fails
  on any "serious" or "critical" violation.
"""

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import PASSWORD

CHROMIUM = (
    os.environ.get("QORGAU_CHROMIUM")
    or shutil.which("chromium")
    or shutil.which("chromium-browser")
)
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--font-render-hinting=none",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
TAKE_SCREENSHOTS = os.environ.get("QORGAU_SCREENSHOTS") == "1"


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM:
        pytest.skip("no chromium on this machine: `apt-get install chromium` (make test does it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


@pytest.fixture
def open_page(browser, live_server, programme_data):
    """open_page(viewport=PHONE, javascript=True): a new tab in a fresh browser context."""
    contexts = []

    def open_(viewport=PHONE, javascript=True, **options):
        context = browser.new_context(
            viewport=viewport, java_script_enabled=javascript, accept_downloads=True, **options
        )
        contexts.append(context)
        tab = context.new_page()
        tab.set_default_timeout(10_000)
        tab.base = live_server.url
        return tab

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture
def page(open_page):
    """A phone-sized tab with JavaScript."""
    return open_page()


@pytest.fixture
def desktop(open_page):
    """A desktop-sized tab with JavaScript, for the staff."""
    return open_page(viewport=DESKTOP)


def staff_login(page, username_or_user, password=PASSWORD, next_url="/staff/"):
    """Sign a member of staff in through the real pages: the password, then the second factor.

    The code is computed from the user's authenticator key (decrypted) the way an authenticator app does (a device is
    created for users who have none). Anyone signed in on this page before is signed out first.
    Returns the user. `password` defaults to the personas' password.
    """
    from qorgau.core.models import User
    from tests.conftest import totp_code, totp_device_for

    user = (
        username_or_user
        if isinstance(username_or_user, User)
        else User.objects.get(username=username_or_user)
    )
    device = totp_device_for(user)
    page.context.clear_cookies()  # whoever was signed in on this page is signed out
    page.goto(f"{page.base}/staff/login/?next={next_url}")
    page.fill("input[name=username]", user.get_username())
    page.fill("input[name=password]", password)
    page.click("form:has(input[name=password]) button[type=submit]")
    page.wait_for_url("**/staff/login/code/**")
    page.fill("input[name=code]", totp_code(device))
    page.click("form:has(input[name=code]) button[type=submit]")
    page.wait_for_url(lambda url: "/staff/login/" not in url)
    return user


def screenshot(page, name, *, full_page=False):
    """docs/screenshots/<name>.png, only when QORGAU_SCREENSHOTS=1."""
    if not TAKE_SCREENSHOTS:
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page, animations="disabled"
    )


def accessibility_problems(page, *, where=""):
    """axe-core over the page as it is now: its "serious" and "critical" violations, as text."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{where or page.url}: {v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:5])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def assert_accessible(page, *, where=""):
    """No "serious" or "critical" axe-core violation on the page as it is now."""
    problems = accessibility_problems(page, where=where)
    assert not problems, "accessibility problems:\n" + "\n".join(problems)
