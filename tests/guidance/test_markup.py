"""Guidance Markdown is rendered and sanitised: nothing from the text can run in a browser."""

import pytest

from qorgau.guidance.enums import GuidanceSlug
from qorgau.guidance.markup import render_markdown, shipped_text


def test_markdown_becomes_html():
    html = render_markdown("## Title\n\n- one\n- **two**\n\n[call](tel:150)")
    assert "<h2>Title</h2>" in html
    assert "<strong>two</strong>" in html
    assert 'href="tel:150"' in html


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        "[x](javascript:alert(1))",
        '<p onclick="alert(1)">x</p>',
        '<div style="background:url(javascript:alert(1))">x</div>',
        '<iframe src="https://example.com"></iframe>',
        "<svg onload=alert(1)>",
        '<a href="https://example.com" onmouseover="alert(1)">x</a>',
    ],
)
def test_scripts_and_handlers_are_rendered_harmless(text):
    html = render_markdown(text).lower()
    for bad in (
        "<script",
        "onerror",
        "onclick",
        "onload",
        "onmouseover",
        "javascript:",
        "<iframe",
        "style=",
        "<img",
        "<svg",
    ):
        assert bad not in html


def test_links_get_a_safe_rel():
    assert 'rel="noopener noreferrer"' in render_markdown("[site](https://example.com)")


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
@pytest.mark.parametrize("slug", GuidanceSlug.values)
def test_every_page_ships_in_three_languages_with_the_helplines(slug, language):
    title, summary, body = shipped_text(slug, language)
    assert title and summary and len(body) > 800
    for number in ("150", "111", "102"):
        assert number in body
    html = render_markdown(body)
    assert "<h2>" in html and "<script" not in html
