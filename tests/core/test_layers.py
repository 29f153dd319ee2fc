"""The apps are layers, and depend only downwards:

    core(0) ← linking(1) ← guidance(2) ← intake(3) ← cases(4) ← offenders(5), prevention(5),
    takedown(5)

analytics(6) reads every app and no app depends on it; offenders, prevention and takedown, on the
same layer, do not depend on each other. An app shows something in a lower app's page through a panel
(core/panels.py), never by the lower app reaching up.

Checked here, in every Python module of qorgau/<app>/ (imports at the top and inside functions,
`import_module("qorgau.…")`, `apps.get_model("app", …)`, and admin permissions named as
"app.verb_model") and in every template (`{% load %}` of a tag library, `{% include %}` and
`{% extends %}` of a template; templates/<app>/ belong to that app; templates/public, staff,
includes, base.html and the error pages to core). Each problem is reported as file:line.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.template import engines

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "qorgau"

LAYERS = {
    "core": 0,
    "linking": 1,
    "guidance": 2,
    "intake": 3,
    "cases": 4,
    "offenders": 5,
    "prevention": 5,
    "takedown": 5,
    "analytics": 6,
}
# Modules of the qorgau package that are no app: any app may read the environment helpers; the
# project's wiring (settings, urls, api, wsgi) imports the apps, never the other way.
SHARED = {"env"}

# Known problems, each to be fixed, as (file, the app it depends on). A problem listed here that is
# gone fails the test too: remove its line.
KNOWN = {
    # the lookup-key upgrade (core/rekey.py) reads every app's keyed columns: to become each app's
    # own rekey contribution, like the admin permissions (core/registry.py)
    ("qorgau/core/migrations/0008_derived_lookup_keys.py", "offenders"),
}

PERMISSION = re.compile(r"^([a-z_]+)\.(?:add|change|delete|view)_[a-z0-9_]+$")
TEMPLATE_TAG = re.compile(r"{%\s*(load|include|extends)\s+(.*?)\s*%}", re.DOTALL)


def may_depend(app: str, other: str) -> bool:
    return other == app or LAYERS[other] < LAYERS[app]


def apps_on_disk() -> list[str]:
    return sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "apps.py").exists())


def _target_app(module: str) -> str | None:
    """The app (or shared module) a dotted module name belongs to; None outside qorgau."""
    parts = module.split(".")
    if parts[0] != "qorgau" or len(parts) < 2:
        return None
    return parts[1]


def _absolute(node: ast.ImportFrom, module_path: Path) -> str:
    if not node.level:
        return node.module or ""
    # qorgau/core/x.py and qorgau/core/__init__.py are both in the package qorgau.core
    package = module_path.relative_to(ROOT).with_suffix("").parts[: -node.level]
    return ".".join([*package, *([node.module] if node.module else [])])


def _python_dependencies(path: Path):
    """(line, what, the app it names) for every dependency of one module on a qorgau app."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, f"imports {alias.name}", _target_app(alias.name)
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(node, path)
            if module == "qorgau":
                for alias in node.names:
                    yield node.lineno, f"imports qorgau.{alias.name}", alias.name
            else:
                yield node.lineno, f"imports {module}", _target_app(module)
        elif isinstance(node, ast.Call) and node.args:
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            first = node.args[0]
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                continue
            if name == "import_module":
                yield node.lineno, f"imports {first.value}", _target_app(first.value)
            elif name == "get_model":
                label = first.value.split(".")[0]
                yield node.lineno, f"reads the model {first.value}", label
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            match = PERMISSION.match(node.value)
            if match:
                yield node.lineno, f"names the permission {node.value}", match.group(1)


def module_problems(path: Path, app: str) -> set[tuple[str, str, str]]:
    """(file:line, what, the app depended on) for each dependency of one module of `app` that goes
    up or sideways."""
    problems = set()
    for line, what, other in _python_dependencies(path):
        if other is None or other in SHARED or (other in LAYERS and may_depend(app, other)):
            continue
        if other in LAYERS or (PACKAGE / other).is_dir() or (PACKAGE / f"{other}.py").exists():
            # an app above, or the project's wiring (qorgau.settings, qorgau.urls, qorgau.api…)
            problems.add((f"{_rel(path)}:{line}", what, other))
    return problems


def python_problems() -> set[tuple[str, str, str]]:
    problems = set()
    for app in apps_on_disk():
        for path in sorted((PACKAGE / app).rglob("*.py")):
            problems |= module_problems(path, app)
    return problems


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _template_owner(name: str) -> str:
    first = name.split("/")[0]
    return first if first in LAYERS else "core"


def _template_dirs() -> list[tuple[Path, str | None]]:
    """Each folder of templates, with the app owning all of it (None: by the first folder)."""
    dirs: list[tuple[Path, str | None]] = [(PACKAGE / "templates", None)]
    for app in apps_on_disk():
        if (PACKAGE / app / "templates").is_dir():
            dirs.append((PACKAGE / app / "templates", app))
    return dirs


def _library_apps() -> dict[str, str | None]:
    """Each tag library a template may load, with the qorgau app that holds it (None: Django's or a
    third party's)."""
    engine = engines["django"].engine
    return {name: _target_app(module) for name, module in engine.libraries.items()}


def template_problems(
    dirs: list[tuple[Path, str | None]] | None = None,
) -> set[tuple[str, str, str]]:
    libraries = _library_apps()
    problems = set()
    for folder, owner in dirs if dirs is not None else _template_dirs():
        for path in sorted(folder.rglob("*.html")) + sorted(folder.rglob("*.txt")):
            name = str(path.relative_to(folder))
            app = owner or _template_owner(name)
            text = path.read_text(encoding="utf-8")
            for match in TEMPLATE_TAG.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                tag, args = match.group(1), match.group(2).split()
                if tag == "load":
                    names = [args[-1]] if "from" in args else args
                    for library in names:
                        if library not in libraries:
                            problems.add((f"{_rel(path)}:{line}", f"loads {library}", "?"))
                            continue
                        other = libraries[library]
                        if other is not None and not may_depend(app, other):
                            problems.add((f"{_rel(path)}:{line}", f"loads {library}", other))
                elif args and args[0][:1] in "\"'":
                    target = args[0].strip("\"'")
                    other = _template_owner(target)
                    if not may_depend(app, other):
                        problems.add((f"{_rel(path)}:{line}", f"{tag}s {target}", other))
    return problems


def _report(problems) -> str:
    return "\n".join(f"{where} {what} ({other})" for where, what, other in sorted(problems))


def test_every_app_has_its_layer():
    assert set(apps_on_disk()) == set(LAYERS), "add the new app to LAYERS (and to the docstring)"


def test_no_app_depends_on_an_app_above_it_or_beside_it():
    problems = python_problems() | template_problems()
    new = {p for p in problems if (p[0].rsplit(":", 1)[0], p[2]) not in KNOWN}
    assert not new, "an app depends on one above it:\n" + _report(new)


def test_every_known_problem_is_still_there():
    found = {(p[0].rsplit(":", 1)[0], p[2]) for p in python_problems() | template_problems()}
    gone = KNOWN - found
    assert not gone, f"fixed: remove these from KNOWN: {sorted(gone)}"


def test_the_check_finds_what_it_looks_for(tmp_path):
    """The parser itself: imports inside a function, import_module, get_model, a permission name."""
    module = tmp_path / "probe.py"
    module.write_text(
        "from qorgau.linking import services\n"
        "def f():\n"
        "    from qorgau.intake.models import Report\n"
        "    import_module('qorgau.cases.views')\n"
        "    return 'prevention.view_school', apps.get_model('offenders', 'Person')\n",
        encoding="utf-8",
    )
    found = {
        (where.rsplit(":", 1)[1], other)
        for where, _what, other in module_problems(module, "guidance")
    }
    assert found == {("3", "intake"), ("4", "cases"), ("5", "prevention"), ("5", "offenders")}
    assert module_problems(module, "analytics") == set()


def test_the_check_reads_the_templates_tags(tmp_path, monkeypatch):
    monkeypatch.setattr(
        "tests.core.test_layers._library_apps",
        lambda: {"i18n": None, "qorgau_panels": "core", "prevention_tags": "prevention"},
    )
    (tmp_path / "intake").mkdir()
    (tmp_path / "intake" / "page.html").write_text(
        '{% extends "public/base.html" %}{% load i18n qorgau_panels %}\n'
        "{% load prevention_tags %}{% load thing from prevention_tags %}\n"
        '{% include "prevention/_box.html" %}{% include "guidance/_panel.html" %}{% load nope %}',
        encoding="utf-8",
    )
    found = {
        (where.rsplit(":", 1)[1], what)
        for where, what, _other in template_problems([(tmp_path, None)])
    }
    assert found == {
        ("2", "loads prevention_tags"),
        ("3", "includes prevention/_box.html"),
        ("3", "loads nope"),
    }
