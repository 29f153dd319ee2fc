"""What core asks of the apps above it, without importing them.

Core is the lowest app: it may not import intake, cases or the others. Where core needs something
from each of them (the admin permissions each app grants, what each app keeps in a backup), it asks
every installed app for a module of a given name (`<app>.policies`, `<app>.backup`), the way Django's
admin discovers `admin.py`. An app that has nothing to say has no such module, or no such name.
"""

from __future__ import annotations

import functools
from importlib import import_module
from types import ModuleType
from typing import Any

from django.apps import apps
from django.utils.module_loading import module_has_submodule


@functools.cache
def app_modules(name: str) -> tuple[ModuleType, ...]:
    """`<app>.<name>` of every installed Qorgau app that has one, in INSTALLED_APPS order."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("qorgau.") or not module_has_submodule(config.module, name):
            continue
        found.append(import_module(f"{config.name}.{name}"))
    return tuple(found)


def contributions(module: str, attribute: str) -> list[Any]:
    """The value of `attribute` in `<app>.<module>` of every app that defines it."""
    return [getattr(m, attribute) for m in app_modules(module) if hasattr(m, attribute)]
