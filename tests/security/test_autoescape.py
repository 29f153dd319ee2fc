"""Every page is escaped by Django's autoescaping: no markup is built in strings and marked safe.

Python under qorgau/ (migrations aside) never calls mark_safe or builds a SafeString, and no template
turns autoescaping off or filters through |safe, except for the few entries of ALLOWED below, each
with the reason it is safe. Markup is written in templates (see analytics/charts/chart.svg).
"""

import re
from pathlib import Path

QORGAU = Path(__file__).resolve().parents[2] / "qorgau"
ROOT = QORGAU.parent

PYTHON = re.compile(r"\b(mark_safe|SafeString|SafeText)\b|__html__")
TEMPLATE = re.compile(r"\|\s*safe(seq)?\b|\{%\s*autoescape\s+off\s*%\}")

# (file, the text that matched with what precedes it on the line) -> why it is safe.
ALLOWED = {
    ("qorgau/templates/guidance/page.html", "{{ version.body_html|safe"): (
        "body_html is the guidance Markdown rendered and sanitised by nh3 with an allow-list "
        "(qorgau/prevention/markup.py) when the version is saved; it is not editable"
    ),
    ("qorgau/templates/guidance/version.html", "{{ version.body_html|safe"): (
        "the same sanitised body_html, on the page of one version"
    ),
}


def python_files() -> list[Path]:
    return [p for p in QORGAU.rglob("*.py") if "migrations" not in p.relative_to(QORGAU).parts]


def template_files() -> list[Path]:
    folders = [QORGAU / "templates", *QORGAU.glob("*/templates")]
    return [p for folder in folders for p in folder.rglob("*") if p.is_file()]


def findings(files: list[Path], pattern: re.Pattern) -> list[tuple[str, int, str]]:
    found = []
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for match in pattern.finditer(line):
                start = line.rfind("{{", 0, match.start())
                found.append(
                    (
                        str(path.relative_to(ROOT)),
                        number,
                        line[start if start >= 0 else match.start() : match.end()],
                    )
                )
    return found


def test_the_scan_sees_the_code_and_the_templates():
    assert len(python_files()) > 50 and len(template_files()) > 50
    assert PYTHON.search('return mark_safe("<b>" + name)') and PYTHON.search("SafeString(x)")
    assert TEMPLATE.search("{{ name|safe }}") and TEMPLATE.search("{{ names | safeseq }}")
    assert TEMPLATE.search("{% autoescape off %}") and not TEMPLATE.search("{{ x|safe_name }}")


def test_no_python_marks_built_markup_safe():
    # |safe in a template string written in Python counts as well.
    found = findings(python_files(), PYTHON) + findings(python_files(), TEMPLATE)
    assert found == [], "markup built in Python: render a template instead\n" + "\n".join(
        f"{path}:{number}: {text}" for path, number, text in found
    )


def test_no_template_turns_autoescaping_off_outside_the_allow_list():
    found = findings(template_files(), TEMPLATE)
    unexpected = [(p, n, t) for p, n, t in found if (p, t) not in ALLOWED]
    assert unexpected == [], "unescaped output in a template\n" + "\n".join(
        f"{path}:{number}: {text}" for path, number, text in unexpected
    )
    stale = set(ALLOWED) - {(p, t) for p, _n, t in found}
    assert stale == set(), f"allowed entries that no longer match anything: {stale}"
