"""Core asks the apps above it for what it needs (admin permissions), without importing them."""

from qorgau.core.auth import role_admin_permissions
from qorgau.core.registry import app_modules


def test_every_app_with_a_policies_module_is_asked():
    names = [m.__name__ for m in app_modules("policies")]
    assert "qorgau.core.policies" in names
    assert "qorgau.intake.policies" in names
    assert "qorgau.prevention.policies" in names


def test_the_administrators_permissions_come_from_every_app_and_never_read_reports():
    granted = role_admin_permissions()["admin"]
    assert {"core.view_user", "intake.view_platform", "prevention.view_school"} <= granted
    assert not {p for p in granted if p.split(".")[1].endswith(("_report", "_case", "_person"))}
    assert set(role_admin_permissions()) == {"admin"}
