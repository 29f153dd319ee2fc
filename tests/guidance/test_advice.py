"""The advice after a report: every category of report has its advice and its guidance pages.

The guidance app names the categories as strings (it is below intake): this is where they are held to
intake's Category."""

import pytest

from qorgau.guidance.advice import ADVICE, advice_for
from qorgau.guidance.enums import GuidanceSlug
from qorgau.guidance.selectors import GUIDANCE_FOR_CATEGORY
from qorgau.intake.enums import Category


def test_every_category_of_report_has_its_advice_and_its_pages():
    assert set(ADVICE) == set(Category.values)
    assert set(GUIDANCE_FOR_CATEGORY) == set(Category.values)
    for slugs in GUIDANCE_FOR_CATEGORY.values():
        assert set(slugs) <= set(GuidanceSlug.values)


@pytest.mark.parametrize("category", Category.values)
def test_the_advice_always_says_where_to_call(category):
    assert any("112" in str(line) for line in advice_for(category))


def test_an_unknown_category_gets_the_general_advice():
    assert advice_for("nonsense") == ADVICE[Category.OTHER]
    assert advice_for(Category.SEXTORTION)[0] != advice_for(Category.OTHER)[0]
