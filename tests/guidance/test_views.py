"""The guidance pages: the public reads them, the central office edits and publishes them; the help
page and the page after a report link them (through their panels)."""

import pytest

from qorgau.guidance.models import GuidanceVersion

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("kk", "Жәбірленуші ретіндегі құқықтарың"),
        ("ru", "Твои права, если тебе причинили вред"),
        ("en", "Your rights as a victim"),
    ],
)
def test_the_public_reads_the_guidance_in_three_languages(client, guidance, language, title):
    response = client.get(f"/help/rights/?lang={language}")
    html = response.content.decode()
    assert response.status_code == 200 and title in html
    assert 'href="tel:' in html or "150" in html
    assert 'name="viewport"' in html and "/help/parents/" in html  # phone-ready, linked


def test_an_unknown_guidance_page_is_not_found(client, guidance):
    assert client.get("/help/unknown/").status_code == 404


def test_the_help_page_lists_the_guidance(client, guidance):
    html = client.get("/help/?lang=en").content.decode()
    for slug in ("pictures", "blackmail", "rights", "parents", "teachers"):
        assert f'href="/help/{slug}/"' in html


def test_the_advice_after_a_report_links_the_guidance(client, guidance, reference_data):
    response = client.post(
        "/report/?lang=en",
        {
            "category": "sextortion",
            "relation": "child",
            "narrative": "Someone wants money or he will send my photos.",
            "region": "KZ-75",
            "contact": "anonymous",
            "submission": "key-1",
        },
    )
    html = response.content.decode()
    assert response.status_code == 201, html[:500]
    assert "Read more" in html and 'href="/help/blackmail/"' in html


def test_the_central_office_edits_and_publishes_harmless_guidance(client, central, guidance):
    client.force_login(central)
    assert client.get("/staff/guidance/").status_code == 200
    response = client.post(
        "/staff/guidance/pictures/en/",
        {
            "title": "New title",
            "summary": "One line",
            "body_markdown": "## Hi\n\n<script>alert(1)</script><a href=x onclick=alert(1)>x</a>",
        },
    )
    version = GuidanceVersion.objects.get(page__slug="pictures", language="en", number=2)
    assert response.status_code == 302 and version.status == "draft"
    assert "New title" not in client.get("/help/pictures/?lang=en").content.decode()
    client.post(f"/staff/guidance/pictures/en/{version.number}/")
    html = client.get("/help/pictures/?lang=en").content.decode()
    assert "New title" in html and "alert(1)" not in html and "onclick" not in html


@pytest.mark.parametrize("persona", ["educator", "analyst", "chief", "partner", "admin"])
def test_only_the_central_office_edits_guidance(client, personas, guidance, persona):
    client.force_login(personas[persona])
    assert client.get("/staff/guidance/").status_code == 403
    assert (
        client.post("/staff/guidance/rights/en/", {"title": "x", "body_markdown": "y"}).status_code
        == 403
    )


@pytest.mark.parametrize(
    ("language", "slug", "said", "not_said"),
    [
        ("kk", "pictures", ["Сені қорқытса да", "лақап аты"], ["Саған қорқытса", "никі"]),
        ("kk", "blackmail", ["Бұдан шығудың жолы бар"], ["сексторшн", ", және"]),
        ("ru", "pictures", ["В этом нет твоей вины"], ["Ты не виноват", "познакомился"]),
        ("ru", "blackmail", ["Они хотят тебя напугать"], ["запаниковал", "сексторшн"]),
        ("kk", "parents", ["бетпе-бет"], ["ара-жік", "ашық суреттер"]),
    ],
)
def test_the_guidance_speaks_to_the_child_as_the_localiser_asked(
    client, guidance, language, slug, said, not_said
):
    html = client.get(f"/help/{slug}/?lang={language}").content.decode()
    assert all(text in html for text in said)
    assert not any(text in html for text in not_said)
