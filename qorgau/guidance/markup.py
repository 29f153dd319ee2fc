"""Guidance text: Markdown rendered to HTML, then sanitised with nh3 (Ammonia).

Markdown passes raw HTML through, so everything it produces goes through an allow-list: no scripts,
no styles, no event handlers, no images or frames, links only to http(s), tel: and mailto:.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import markdown
import nh3

GUIDANCE_DIR = Path(__file__).resolve().parent / "shipped"

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "strong",
    "em",
    "b",
    "i",
    "ul",
    "ol",
    "li",
    "a",
    "blockquote",
    "code",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "td": set()}
URL_SCHEMES = {"http", "https", "tel", "mailto"}


def render_markdown(text: str) -> str:
    """Safe HTML for a guidance text written in Markdown."""
    html = markdown.markdown(text or "", extensions=["tables", "sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def shipped_text(slug: str, language: str) -> tuple[str, str, str]:
    """(title, summary, body) of a first version shipped in qorgau/guidance/shipped/.

    The file starts with `# Title`, then a line `> summary`, then the body."""
    lines = (GUIDANCE_DIR / f"{slug}.{language}.md").read_text(encoding="utf-8").splitlines()
    title = lines[0].removeprefix("#").strip()
    rest = lines[1:]
    while rest and not rest[0].strip():
        rest = rest[1:]
    summary = ""
    if rest and rest[0].startswith(">"):
        summary = rest[0].removeprefix(">").strip()
        rest = rest[1:]
    return title, summary, "\n".join(rest).strip() + "\n"


def load_shipped_guidance(page_model: Any, version_model: Any) -> int:
    """Publish the shipped first version of every page in kk/ru/en where a page has no version yet
    in that language (idempotent; the models may be historical). Returns how many were created."""
    from django.utils import timezone

    slugs = ["pictures", "blackmail", "rights", "parents", "teachers"]
    created = 0
    for position, slug in enumerate(slugs):
        page, _ = page_model.objects.get_or_create(slug=slug, defaults={"position": position})
        for language in ("kk", "ru", "en"):
            if version_model.objects.filter(page=page, language=language).exists():
                continue
            title, summary, body = shipped_text(slug, language)
            version_model.objects.create(
                page=page,
                language=language,
                number=1,
                title=title,
                summary=summary,
                body_markdown=body,
                body_html=render_markdown(body),
                status="published",
                published_at=timezone.now(),
            )
            created += 1
    return created
