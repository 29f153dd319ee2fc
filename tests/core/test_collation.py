"""Issue 21: names in Kazakh and Russian alphabetical order, regions by their proper names, numbered
names in natural order (qorgau/core/collation.py)."""

import pytest

from qorgau.core.collation import (
    KK_ALPHABET,
    RU_ALPHABET,
    proper_name,
    sorted_by_name,
    sorted_regions,
)
from qorgau.core.models import Region

KAZAKH = "а ә б в г ғ д е ё ж з и й к қ л м н ң о ө п р с т у ұ ү ф х һ ц ч ш щ ъ ы і ь э ю я"


def test_the_kazakh_alphabet_is_the_one_a_kazakh_dictionary_uses():
    assert " ".join(KK_ALPHABET) == KAZAKH
    assert sorted_by_name(list(reversed(KAZAKH.split())), language="kk") == KAZAKH.split()


def test_russian_puts_yo_after_ye_and_kazakh_letters_with_their_russian_look_alike():
    assert RU_ALPHABET.index("ё") == RU_ALPHABET.index("е") + 1
    assert sorted_by_name(
        ["Ушаков", "Ұлытау", "Тулеев", "Ёлкин", "Егоров", "Жуков"], language="ru"
    ) == [
        "Егоров",
        "Ёлкин",
        "Жуков",
        "Тулеев",
        "Ұлытау",
        "Ушаков",
    ]


def test_kazakh_letters_sort_after_their_base_letter_not_at_the_end():
    names = [
        "Ұлытау",
        "Қарағанды",
        "Ақтөбе",
        "Атырау",
        "Ақмола",
        "Уәлиханов",
        "Кеген",
        "Іле",
        "Ыбырай",
    ]
    assert sorted_by_name(names, language="kk") == [
        "Ақмола",
        "Ақтөбе",
        "Атырау",
        "Кеген",
        "Қарағанды",
        "Уәлиханов",
        "Ұлытау",
        "Ыбырай",
        "Іле",
    ]


def test_numbered_names_sort_by_number():
    schools = [
        "Мектеп № 21",
        "Мектеп № 5",
        "Мектеп № 13",
        "Мектеп № 1",
        "Мектеп № 9",
        "Мектеп № 17",
    ]
    assert sorted_by_name(schools, language="kk") == [
        "Мектеп № 1",
        "Мектеп № 5",
        "Мектеп № 9",
        "Мектеп № 13",
        "Мектеп № 17",
        "Мектеп № 21",
    ]


def test_case_is_ignored_and_the_order_does_not_depend_on_the_input():
    names = ["алма", "Алма", "АЛМА", "Ақ"]
    assert sorted_by_name(names, language="kk") == sorted_by_name(
        list(reversed(names)), language="kk"
    )
    assert (
        sorted_by_name(names, language="kk")[0] == "Ақ"
        or sorted_by_name(names, language="kk")[-1] == "Ақ"
    )


def test_a_generic_word_is_not_part_of_a_regions_name():
    assert proper_name("область Абай", "ru") == "Абай"
    assert proper_name("город Алматы", "ru") == "Алматы"
    assert proper_name("Акмолинская область", "ru") == "Акмолинская область"
    assert proper_name("Абай облысы", "kk") == "Абай облысы"


@pytest.mark.django_db
def test_the_kazakh_region_list_is_in_kazakh_order():
    names = [r.name_kk for r in sorted_regions(Region.objects.all(), language="kk")]
    assert (
        names.index("Ақмола облысы") < names.index("Алматы облысы") < names.index("Атырау облысы")
    )
    assert names.index("Қарағанды облысы") < names.index("Маңғыстау облысы")
    assert names.index("Ұлытау облысы") < names.index("Шығыс Қазақстан облысы")
    assert names[0] == "Абай облысы" and names[-1] == "Шымкент қаласы"


@pytest.mark.django_db
def test_the_russian_region_list_sorts_abai_zhetisu_and_ulytau_by_their_names():
    names = [r.name_ru for r in sorted_regions(Region.objects.all(), language="ru")]
    assert names[0] == "область Абай"
    assert (
        names.index("Жамбылская область")
        < names.index("область Жетісу")
        < names.index("Западно-Казахстанская область")
    )
    assert (
        names.index("Туркестанская область")
        < names.index("область Ұлытау")
        < names.index("город Шымкент")
    )
    assert (
        names.index("Алматинская область")
        < names.index("город Алматы")
        < names.index("город Астана")
    )


@pytest.mark.django_db
def test_the_red_button_form_offers_the_regions_in_kazakh_order_on_a_kazakh_page(client):
    import re

    html = client.get("/report/?lang=kk").content.decode()
    select = html[html.index('name="region"') :]
    select = select[: select.index("</select>")]
    names = re.findall(r'<option value="KZ-\d+"[^>]*>([^<]+)</option>', select)
    assert len(names) == 20
    assert (
        names.index("Ақмола облысы") < names.index("Алматы облысы") < names.index("Атырау облысы")
    )
    assert names[-1] == "Шымкент қаласы"


@pytest.mark.django_db
def test_the_people_page_and_the_duty_picker_list_names_in_kazakh_order(client, chief, almaty):
    from qorgau.core.enums import Role
    from tests.factories import UserFactory

    names = ["Ұлан Сейітов", "Әсел Қасымова", "Ахмет Бекұлы", "Қанат Әбенов"]
    for name in names:
        UserFactory(full_name=name, role=Role.ANALYST, region=almaty)
    client.force_login(chief)
    for url in ("/staff/people/?lang=kk", "/staff/duty/?lang=kk"):
        html = client.get(url).content.decode()
        at = [html.find(name) for name in names]
        assert -1 not in at, url
        # а, ә, қ, ұ: Ахмет, Әсел, Қанат, Ұлан
        assert sorted(at) == [at[2], at[1], at[3], at[0]], url


def test_names_with_superscripts_circled_or_endless_digits_sort_without_an_error():
    names = ["Мектеп ①", "Зал 50 м²", "Мектеп № 2", "№ " + "9" * 5000, ""]
    assert sorted_by_name(names, language="kk")[0] == ""
    assert len(sorted_by_name(names, language="ru")) == len(names)
