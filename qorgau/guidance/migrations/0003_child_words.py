"""Publish the corrected Kazakh and Russian guidance pages (issue 21: the localiser's review of
2026-12-03, rows 33–58: Kazakh clauses built the Kazakh way, Russian that does not assume a boy,
"лақап аты" for "никі", "Сені қорқытса да", no English in brackets).

A page whose published version is still the first shipped text (its body unchanged) gets the
shipped text of qorgau/guidance/shipped/ as its next published version; the one before is replaced.
A page an editor has changed since is left as the editor published it: their words win, and the
corrections are theirs to take from the shipped files. Running it again changes nothing.
"""

import hashlib

from django.db import migrations
from django.utils import timezone

# SHA-256 of the body of each page as first shipped (before this correction).
FIRST_SHIPPED = {
    ("blackmail", "kk"): "f0180d18adb4a40df335dfa06e39d5fcbf6123efec8f276554cafc8f81d403cf",
    ("blackmail", "ru"): "5be15f0ac7978fe5f82f0e65c15276f655a102f8ecd74e8de391a6002b76b7b4",
    ("parents", "kk"): "a5e1e513e23e5e30438d791e46739788ee0ca9cce6c51d41abeab9065d7889be",
    ("parents", "ru"): "46970347ca9882e8e46e57bd0e38b9a41972b57104f7af96aaa0a354577995a5",
    ("pictures", "kk"): "4091eac3b8abf82f80069beea38c7aff0c92f9ad6d6a8d6086863cbe74c7ba2e",
    ("pictures", "ru"): "508f4fd9a96c03792af72a1e2b2c40494cac0d07061e1dd4de1cdfe3cb95128e",
    ("rights", "kk"): "b0365425f72a93f21aac74e2981c3666f972adcc72178de6e58d91225749f1de",
    ("rights", "ru"): "4e21d432f3aabad03fcadfe08a1359678980a5a0e3cdf3affc68b88e99f363ad",
    ("teachers", "kk"): "23d1d1303df139b9f6cfaf18d8304bc147f330bcbdb8350d325abd6522c08d04",
    ("teachers", "ru"): "0a9ad3c375c555afb5159d148a0de36495520b550a419ac82ff427b866f47df6",
}


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def publish_corrections(apps, schema_editor):
    from qorgau.guidance.markup import render_markdown, shipped_text

    Page = apps.get_model("guidance", "GuidancePage")
    Version = apps.get_model("guidance", "GuidanceVersion")
    for (slug, language), first in FIRST_SHIPPED.items():
        page = Page.objects.filter(slug=slug).first()
        if page is None:
            continue
        current = Version.objects.filter(page=page, language=language, status="published").first()
        if current is None or digest(current.body_markdown) != first:
            continue  # not published, or an editor's words: left as they are
        title, summary, body = shipped_text(slug, language)
        if digest(body) == first:
            continue
        newest = Version.objects.filter(page=page, language=language).order_by("-number").first()
        current.status = "superseded"
        current.save(update_fields=["status", "updated_at"])
        Version.objects.create(
            page=page,
            language=language,
            number=newest.number + 1,
            title=title,
            summary=summary,
            body_markdown=body,
            body_html=render_markdown(body),
            status="published",
            published_at=timezone.now(),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("guidance", "0002_content_types"),
        ("prevention", "0003_guidance_moves_out"),
    ]

    operations = [migrations.RunPython(publish_corrections, migrations.RunPython.noop)]
