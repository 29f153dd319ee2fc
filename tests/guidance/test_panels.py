"""The guidance app's panels: its pages on the help page, and after a report the pages for what was
reported (core/panels.py)."""

import pytest

from qorgau.guidance.models import GuidanceVersion

pytestmark = pytest.mark.django_db


def send(client, category):
    response = client.post(
        "/report/?lang=en",
        {
            "category": category,
            "relation": "child",
            "narrative": "Someone keeps writing to me and asks for things.",
            "region": "KZ-75",
            "contact": "anonymous",
            "submission": f"key-{category}",
        },
    )
    assert response.status_code == 201, response.content.decode()[:500]
    return response.content.decode()


def test_after_a_report_the_pages_for_its_category_are_linked(client, guidance, reference_data):
    html = send(client, "abuse")
    assert "Read more" in html
    assert 'href="/help/rights/"' in html and 'href="/help/parents/"' in html
    assert 'href="/help/blackmail/"' not in html and 'href="/help/teachers/"' not in html


def test_without_published_pages_there_is_no_read_more(client, guidance, reference_data):
    GuidanceVersion.objects.update(status="draft")
    html = send(client, "sextortion")
    assert "What to do now" in html and "Read more" not in html and "/help/blackmail/" not in html


def test_the_help_page_lists_the_published_pages_only(client, guidance):
    GuidanceVersion.objects.filter(page__slug="teachers").update(status="draft")
    html = client.get("/help/?lang=en").content.decode()
    assert "Advice for children, parents and teachers" in html
    assert 'href="/help/rights/"' in html and "Your rights as a victim" in html
    assert 'href="/help/teachers/"' not in html
    GuidanceVersion.objects.update(status="draft")
    html = client.get("/help/?lang=en").content.decode()
    assert "Advice for children, parents and teachers" not in html
    assert "Help and helplines" in html
