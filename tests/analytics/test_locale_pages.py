"""Issue 21: the dashboard, its alerts and its figures as each language writes them."""

import re

import pytest
from django.utils import timezone

from qorgau.analytics import services
from qorgau.core.models import Alert
from tests.analytics.test_alerts import last_week_above_its_baseline

pytestmark = pytest.mark.django_db


def options(html: str) -> list[str]:
    select = html[html.index('id="f-region"') :]
    select = select[: select.index("</select>")]
    return re.findall(r'<option value="KZ-\d+"[^>]*>([^<]+)</option>', select)


def test_the_region_selector_is_in_kazakh_order_on_a_kazakh_page(client, central):
    client.force_login(central)
    names = options(client.get("/staff/dashboard/?lang=kk").content.decode())
    assert len(names) == 20
    assert (
        names.index("Ақмола облысы") < names.index("Алматы облысы") < names.index("Атырау облысы")
    )
    assert names.index("Ұлытау облысы") < names.index("Шығыс Қазақстан облысы")
    assert names[-1] == "Шымкент қаласы"


def test_the_region_selector_sorts_abai_zhetisu_ulytau_by_name_on_a_russian_page(client, central):
    client.force_login(central)
    names = options(client.get("/staff/dashboard/?lang=ru").content.decode())
    assert names[0] == "область Абай"
    assert names.index("Жамбылская область") < names.index("область Жетісу")
    assert names.index("Туркестанская область") < names.index("область Ұлытау")


def test_the_chiefs_note_heading_writes_the_month_the_kazakh_way(client, chief):
    client.force_login(chief)
    html = client.get("/staff/dashboard/?lang=kk").content.decode()
    month = ["қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз",
             "қыркүйек", "қазан", "қараша", "желтоқсан"][timezone.localdate().month - 1]  # fmt: skip
    assert f"{timezone.localdate().year} жылғы {month}" in html


def spike():
    services.detect_spikes(today=last_week_above_its_baseline(13))
    return Alert.objects.get(kind="spike")


@pytest.mark.parametrize(
    ("language", "words", "mean"),
    [("kk", "хабарламалар әдеттегіден көп", "2,0"), ("ru", "необычно много сообщений", "2,0")],
)
def test_a_spike_alert_reads_in_words_with_a_decimal_comma(client, central, language, words, mean):
    alert = spike()
    client.force_login(central)
    html = client.get(f"/staff/notifications/?lang={language}").content.decode()
    assert words in html and "spike" not in html.lower()
    # the baseline in words; the alert's time (a datetime attribute: "52.016+05:00") is not it
    text = re.sub(r"<time[^>]*>.*?</time>", "", html, flags=re.S)
    assert f"{mean}" in text and not re.search(r"(?<![\d.])2\.0(?!\d)", text)
    dashboard = client.get(f"/staff/dashboard/?lang={language}").content.decode()
    assert "p = 0,0000" not in dashboard and "p = 0.0000" not in dashboard
    assert alert.params["baseline"] == 2.0
