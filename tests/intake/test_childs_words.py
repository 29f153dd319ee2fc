"""Issue 21: the words the localiser's review (2026-12-03) and the issue flagged on the child's side
are gone from the kk and ru catalogs and from the shipped guidance pages; what replaces them is there.

Checked on the catalogs themselves (what a page can show), not on templates."""

from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "qorgau" / "locale"
SHIPPED = Path(__file__).resolve().parents[2] / "qorgau" / "guidance" / "shipped"

GONE = {
    "kk": [
        "Баламен ғашықтық қарым-қатынас",  # the category in office words
        "sextortion",
        "Мәртебе өзгертілді",
        "Хабарлама бойынша қылмыстық іс қозғалды",
        "Кезекші қызметкер жұмысқа алды",
        "Жұмысқа алған қызметкер",
        "Қадам %(n)s",
        "Біреудің кесірінен",
        "анонимді болып қал",
        "Бұл байланыстан",
        "Тағы кеңестер",
        "түбіртек",
        "тиісті шара",
        "Интим суреттер",
        "Интернеттен тыс",
    ],
    "ru": [
        "sextortion",
        "возбуждено уголовное дело",
        "Взято в работу дежурным",
        "Из-за кого-то ты не",
        "сохранить анонимность",
        "квитанци",
        "вне интернета",
    ],
}


def translations(language):
    for entry in polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po")):
        yield entry, [entry.msgstr, *entry.msgstr_plural.values()]


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_flagged_words_are_gone_from_the_catalog(language):
    found = [
        f"{entry.msgid!r}: {word!r}"
        for entry, texts in translations(language)
        for word in GONE[language]
        for text in texts
        if word.lower() in text.lower()
    ]
    assert not found, "\n".join(found)


def test_the_step_counter_and_the_childs_timeline_have_their_own_words():
    kk = {(e.msgctxt, e.msgid): e.msgstr for e, _ in translations("kk")}
    ru = {(e.msgctxt, e.msgid): e.msgstr for e, _ in translations("ru")}
    assert kk[(None, "Step %(n)s of %(total)s")] == "%(n)s-қадам (барлығы %(total)s)"
    assert ru[(None, "Step %(n)s of %(total)s")] == "Шаг %(n)s из %(total)s"
    timeline = "child's timeline"
    assert kk[(timeline, "Your message")] == "Сенің хатың"
    assert kk[(timeline, "A message from the duty officer")] == "Кезекші қызметкердің хаты"
    case = "An investigation has started: the police and the prosecutor look into it"
    assert kk[(timeline, case)].startswith("Тергеу басталды")
    assert ru[(timeline, case)].startswith("Начато расследование")
    assert ru[(None, "Referred")] == "Передано ответственной службе"  # not "message delivered"
    assert kk[("alt. month", "December")] == "желтоқсан"  # Kazakh months in lower case


@pytest.mark.parametrize(
    ("page", "gone"),
    [
        ("pictures.kk.md", ["Саған қорқытса", "никі", ", және"]),
        ("blackmail.kk.md", ["сексторшн", ", және", "мұғалімге."]),
        ("rights.kk.md", ["ерлермен бе", "қорқыту болса", ", және"]),
        ("parents.kk.md", ["ара-жік", "ашық суреттер", ", және"]),
        ("teachers.kk.md", ["айналым", "прокуратураның кезекшісі"]),
        (
            "pictures.ru.md",
            ["познакомился", "не обязан", "сохранил", "не виноват", "давит на жалость"],
        ),
        (
            "blackmail.ru.md",
            ["запаниковал", "сексторшн", "сохранил", "ты стал жертвой", "анонимно:"],
        ),
        ("rights.ru.md", ["как потерпевшего", "не согласен", "**Чтобы"]),
        ("teachers.ru.md", ["правильно сделал", "дежурный прокуратуры"]),
    ],
)
def test_the_shipped_guidance_pages_follow_the_review(page, gone):
    text = (SHIPPED / page).read_text(encoding="utf-8")
    assert [word for word in gone if word in text] == []
