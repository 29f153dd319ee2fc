"""Every read of the guidance app: published pages in the reader's language, versions for editors."""

import pytest
from django.http import Http404
from django.utils import translation

from qorgau.guidance import selectors, services

pytestmark = pytest.mark.django_db


def test_guidance_in_the_language_asked_falling_back_to_russian(guidance, central):
    assert selectors.guidance_published(slug="rights", language="kk").language == "kk"
    with translation.override("en"):
        assert selectors.guidance_published(slug="rights").title == "Your rights as a victim"
    assert selectors.guidance_published(slug="rights", language="de").language == "ru"
    with pytest.raises(Http404):
        selectors.guidance_published(slug="nope")
    draft = services.guidance_save_draft(
        acting_user=central, slug="parents", language="en", title="New", body_markdown="x"
    )
    assert selectors.guidance_published(slug="parents", language="en").pk != draft.pk


def test_the_advice_after_a_report_points_to_the_right_pages(guidance):
    with translation.override("ru"):
        pages = selectors.guidance_for_category(category="sextortion")
    assert [p.page.slug for p in pages] == ["blackmail", "pictures", "rights"]
    assert all(p.language == "ru" for p in pages)
    assert len(selectors.guidance_list_published(language="kk")) == 5


def test_the_editors_overview_shows_published_and_newer_drafts(central, guidance):
    services.guidance_save_draft(
        acting_user=central, slug="teachers", language="kk", title="T", body_markdown="x"
    )
    pages = selectors.guidance_overview_for_user(user=central)
    assert [slug for slug, _label, _cells in pages] == [
        "pictures",
        "blackmail",
        "rights",
        "parents",
        "teachers",
    ]
    cells = {c.language: c for c in pages[-1][2]}
    assert cells["kk"].has_newer_draft and not cells["ru"].has_newer_draft
    assert cells["ru"].published.number == 1


def test_the_shipped_guidance_loads_once_in_three_languages(guidance):
    from qorgau.guidance.markup import load_shipped_guidance
    from qorgau.guidance.models import GuidancePage, GuidanceVersion

    assert load_shipped_guidance(GuidancePage, GuidanceVersion) == 0
    published = GuidanceVersion.objects.filter(status="published")
    assert published.count() == 15
    assert set(published.values_list("language", flat=True)) == {"kk", "ru", "en"}
