"""The user guide (docs/guide/): every page in Kazakh, Russian and English, and no broken relative link."""

import re
from pathlib import Path

import pytest

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guide"
LANGUAGES = ["kk", "ru", "en"]
# [text](target) and ![alt](target); the target ends at the first space or closing parenthesis.
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _pages(language: str) -> set[str]:
    return {path.name for path in (GUIDE / language).glob("*.md")}


def _every_page() -> set[str]:
    return set().union(*(_pages(language) for language in LANGUAGES))


def test_the_guide_has_pages():
    assert "index.md" in _every_page()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_exists_in_every_language(language):
    assert sorted(_every_page() - _pages(language)) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_guide_readme_links_each_language(language):
    readme = (GUIDE / "README.md").read_text(encoding="utf-8")
    assert f"]({language}/index.md)" in readme


def _relative_links():
    for page in sorted(GUIDE.rglob("*.md")):
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            if re.match(r"[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
                continue  # https:, mailto:, an anchor on the same page
            yield page, target


def test_every_relative_link_points_to_an_existing_file():
    broken = [
        f"{page.relative_to(GUIDE)}: {target}"
        for page, target in _relative_links()
        if not (page.parent / target.split("#")[0]).exists()
    ]
    assert broken == []


def test_the_links_between_pages_stay_in_the_same_language():
    strays = [
        f"{page.relative_to(GUIDE)}: {target}"
        for page, target in _relative_links()
        if page.parent.name in LANGUAGES
        and not target.startswith("../../")
        and (page.parent / target.split("#")[0]).resolve().parent != page.parent.resolve()
    ]
    assert strays == []
