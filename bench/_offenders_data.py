"""The synthetic offender register of bench/offenders.py, reproducible from a seed: Kazakh and
Russian names "surname first-name patronymic" (feminine forms for women, Russian-style or Kazakh
patronymics, some without), passport (ICAO) Latin spellings, aliases, valid unique IINs (the
application's `offenders.iin.make`), articles, sentence dates, phones and Telegram handles, as a
CSV in the import's format (`CSV_COLUMNS`); and the queries: stored names written another way
(ICAO or 2021 Kazakh Latin, informal Latin, Kazakh on a Russian keyboard, a typo)."""

from __future__ import annotations

import csv
import io
import random
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any


def _words(text: str) -> list[str]:
    return text.split()


KZ_MALE = _words("""Ерлан Асхат Нұрлан Бауыржан Ержан Дәурен Қайрат Серік Болат Марат Талғат Ғалым Жандос Азамат
Айдос Арман Асқар Ақылбек Бекзат Берік Дәулет Дархан Дидар Ерболат Ербол Ерік Жасұлан Жақсылық Жанат
Қанат Қуаныш Мағжан Мейрам Мұрат Нұржан Нұрсұлтан Олжас Сағат Санжар Самат Сәкен Сұлтан Тимур Төлеген
Ұлан Шыңғыс Ілияс Әділет Әлихан Бақытжан Ғабит Дастан Елдос Еркебұлан Жомарт Мақсат Медет Нұрболат
Рүстем Саят Темірлан Ұлықбек Хамит Шерхан Ырысбек Айбек Алмас Амангелді Бағдат Бейбіт Досжан Ержігіт
Жақып Жұмабай Исатай Кенжебек Мұхтар Нартай Оралхан Өмірзақ Серікбай Тұрсын Үсен Асылбек Бекболат
Әбдірахман Қобыланды Абылай Ақжол Ринат Рашид Ильдар Рамиль Айдар""")

RU_MALE = _words("""Александр Алексей Андрей Антон Артём Борис Вадим Валерий Василий Виктор Виталий Владимир
Владислав Вячеслав Геннадий Георгий Глеб Григорий Денис Дмитрий Евгений Егор Иван Игорь Илья Кирилл
Константин Леонид Максим Михаил Никита Николай Олег Павел Пётр Роман Сергей Станислав Степан Юрий
Ярослав Фёдор Эдуард Анатолий Валентин Аркадий Семён Тимофей Матвей Даниил Руслан Арсений Богдан
Вениамин Всеволод Герман Захар Лев""")

FEMALE = _words("""Айгүл Әсел Гүлнар Дана Жанар Жұлдыз Айжан Ақмарал Ботагөз Динара Қарлығаш Мадина Меруерт
Нұргүл Сәуле Салтанат Ұлжан Шынар Аружан Әйгерім Гүлмира Жансая Ләззат Назгүл Раушан Анна Елена Ольга
Татьяна Наталья Ирина Светлана Марина Юлия Екатерина Мария Анастасия Оксана Людмила Галина Виктория
Ксения Дарья Полина Алина Кристина Валентина Надежда Вера Любовь""")

KZ_SURNAMES = _words("""Абаев Абдуллаев Әбілов Ахметов Әлиев Әлімжанов Байжанов Бақытов Бейсенов Бекмұхамбетов
Болатов Дәулетов Досмұхамедов Ерланов Есенов Жақыпов Жұмабаев Жанұзақов Жексенбаев Ибраев Исаев Қасымов
Қожахметов Құнанбаев Мұхамеджанов Нұрланов Нұрпейісов Омаров Оспанов Сәрсенбаев Сейтқалиев Серікбаев
Смағұлов Сүлейменов Тоқаев Төлеубаев Тұрсынов Ұзақов Үмбетов Шәкенов Айтбаев Әбенов Ақылбеков Алтынбеков
Аманов Аманжолов Асанов Аубакиров Ахмедьяров Байғожин Байменов Балтабаев Бекенов Бектұрғанов Бердібеков
Бисенов Бөкейханов Дүйсенбаев Ділмұхамедов Дюсенов Ергалиев Ержанов Есқалиев Жаксыбеков Жамбылов
Жантөреев Жәнібеков Жолдасбеков Жүсіпов Зейнуллин Ибрагимов Иманғалиев Исмаилов Қабдолов Қайыржанов
Қалиев Қаражанов Қарабаев Қасенов Кенжебаев Көшербаев Құдайбергенов Құлыбаев Мамыров Мақашев Маратов
Мәметов Мұқанов Мұратбеков Мусин Назарбаев Нұрғалиев Нысанбаев Оразбаев Оразов Өтепов Рахимов Рысқұлов
Сағындықов Садықов Сапаров Сатыбалдиев Сәдуақасов Сейфуллин Сейітов Серғазиев Сыздықов Тайжанов
Тәжібаев Тасмағамбетов Темірханов Тілеуов Тоқтаров Төлегенов Тұяқбаев Ұлықбеков Уәлиханов Хасенов
Шалабаев Шәріпов Шаймерденов Шоқаев Ыбыраев Ысқақов Әуезов Жұмағұлов Тұрғынбаев Ермеков Қуанышев
Серікбайұлы Болатұлы Ерланұлы Нұрланұлы Асқарұлы Бекұлы Мұратұлы Қайратұлы Тимурұлы Жанатұлы Ким Пак
Цой Ли Тен Хан Югай Огай Шин Нам Хегай Мун""")

RU_SURNAMES = _words("""Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов Волков
Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев Макаров Никитин Захаров
Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв Сергеев Кузьмин Фролов Александров Дмитриев
Королёв Гусев Киселёв Ильин Максимов Поляков Сорокин Виноградов Ковалёв Белов Медведев Антонов Тарасов
Жуков Баранов Филиппов Комаров Давыдов Беляев Герасимов Богданов Осипов Сидоров Матвеев Титов Марков
Миронов Крылов Куликов Карпов Власов Мельников Денисов Гаврилов Тихонов Казаков Афанасьев Данилов
Савельев Тимофеев Фомин Чернов Абрамов Мартынов Ефимов Федотов Щербаков Назаров Калинин Исаков
Чернышёв Быков Маслов Родионов Коновалов Лазарев Воронин Климов Филатов Пономарёв Голубев Кудрявцев
Прохоров Наумов Потапов Журавлёв Овчинников Трофимов Леонов Соболев Ермаков Колесников Гончаров Емельянов
Никифоров Грачёв Котов Гришин Ефремов Архипов Громов Кириллов Малышев Панов Моисеев Румянцев Акимов
Кондратьев Бирюков Горбунов Анисимов Ерёмин Тихомиров Галкин Лукьянов Михеев Скворцов Юдин Белоусов
Нестеров Симонов Прокофьев Харитонов Князев Цветков Левин Митрофанов Воронов Аксёнов Софронов Мальцев
Логинов Горшков Савин Краснов Майоров Демидов Елисеев Рыбаков Сафонов Плотников Демин Хохлов Жданов
Руденко Шевченко Бондаренко Коваленко Ткаченко Кравченко Левченко Савченко Мельниченко Яковенко
Высоцкий Чайковский Вишневский Ковальский Островский Полянский Заболоцкий Луговской Толстой Трубецкой
Гайдамак Шульц Мюллер Вагнер Гейн Ахметшин Галиев Хабибуллин Сафин Шарипов Валиев Гарипов""")

DIMINUTIVES = dict(
    pair.split(":")
    for pair in _words("""Александр:Саша Алексей:Лёша Дмитрий:Дима Евгений:Женя Михаил:Миша
Николай:Коля Сергей:Серёжа Владимир:Вова Владислав:Влад Вячеслав:Слава Константин:Костя Павел:Паша
Иван:Ваня Юрий:Юра Нұрлан:Нұрик Бауыржан:Бауке Ержан:Ержик Қайрат:Кайрош Серік:Сериккали
Азамат:Азик Тимур:Тима Руслан:Руся""")
)

# Passport romanisation (ICAO 9303, what Kazakh passports print): stored in full_name_latin.
ICAO = {
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "e",
    "ж": "zh", "з": "z", "и": "i", "й": "i", "к": "k", "қ": "k", "л": "l", "м": "m", "н": "n",
    "ң": "n", "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "u",
    "ү": "u", "ф": "f", "х": "kh", "һ": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
    "ъ": "ie", "ы": "y", "і": "i", "ь": "", "э": "e", "ю": "iu", "я": "ia",
}  # fmt: skip
# The 2021 Kazakh Latin alphabet.
KZ2021 = {
    **ICAO,
    "ә": "ä", "ғ": "ğ", "ж": "j", "й": "i", "қ": "q", "ң": "ñ", "ө": "ö", "ұ": "ū", "ү": "ü",
    "х": "h", "і": "ı", "ш": "ş", "ч": "ç", "щ": "şş", "ъ": "", "ё": "io", "у": "u",
}  # fmt: skip
# How people write names in chats and forms: a bit of everything.
INFORMAL = {
    **ICAO,
    "ж": "j", "й": "y", "х": "h", "қ": "q", "ю": "yu", "я": "ya", "ё": "yo", "ц": "c", "ъ": "",
    "щ": "sch", "ы": "i",
}  # fmt: skip
# A Kazakh name typed on a Russian keyboard.
RU_KEYBOARD = str.maketrans("әғқңөұүһіӘҒҚҢӨҰҮҺІ", "агкноууhиАГКНОУУHИ")
CYR_TYPOS = {
    "а": "о", "о": "а", "е": "и", "и": "е", "ы": "и", "с": "з", "з": "с", "т": "д", "д": "т",
    "б": "п", "п": "б", "ш": "щ", "н": "м", "м": "н", "л": "р", "р": "л", "к": "г", "в": "ф",
    "у": "ю", "я": "а", "ж": "ш", "ә": "а", "ұ": "у", "қ": "к", "і": "и", "ү": "у",
}  # fmt: skip
LAT_TYPOS = {
    "a": "o", "o": "a", "e": "i", "i": "e", "s": "z", "z": "s", "t": "d", "d": "t", "b": "p",
    "p": "b", "n": "m", "m": "n", "l": "r", "r": "l", "k": "g", "v": "f", "u": "o", "h": "kh",
}  # fmt: skip
# Articles of a conviction, with their weights.
ARTICLES = {"120": 50, "121": 20, "122": 20, "120;121": 10}
PHONE_PREFIXES = _words("700 701 702 705 707 708 747 771 775 776 777 778")


def translit(text: str, table: dict[str, str]) -> str:
    out = []
    for char in text:
        low = char.lower()
        if low in table:
            mapped = table[low]
            out.append(mapped.capitalize() if char != low else mapped)
        else:
            out.append(char)
    return "".join(out)


def feminine(surname: str) -> str:
    if surname.endswith("ұлы"):
        return surname[: -len("ұлы")] + "қызы"
    if surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return surname + "а"
    if surname.endswith(("ский", "цкий", "ской")):
        return surname[:-2] + "ая"
    if surname.endswith("ой"):
        return surname[:-2] + "ая"
    return surname


def patronymic(father: str, sex: str, kazakh_style: bool) -> str:
    if kazakh_style:
        return father + ("ұлы" if sex == "m" else "қызы")
    if father.endswith(("а", "я")):
        return father[:-1] + ("ич" if sex == "m" else "ична")
    if father.endswith(("й", "ь")):
        return father[:-1] + ("евич" if sex == "m" else "евна")
    if father[-1] in "іиеоуы":
        return father + ("евич" if sex == "m" else "евна")
    return father + ("ович" if sex == "m" else "овна")


@dataclass
class GenRow:
    full_name: str
    born: date
    iin: str
    latin: str
    aliases: list[str]
    articles: str
    start: date
    end: date
    phones: list[str]
    handles: list[str]

    def csv_row(self, facility: str) -> list[str]:
        return [
            self.full_name,
            self.born.isoformat(),
            self.iin,
            self.latin,
            ";".join(self.aliases),
            facility,
            self.articles,
            self.start.isoformat(),
            self.end.isoformat(),
            ";".join(self.phones),
            ";".join(self.handles),
        ]


class Generator:
    """Synthetic register rows, reproducible from the seed; IINs and phones unique."""

    def __init__(self, rng: random.Random, *, today: date, shares: dict[str, float]) -> None:
        self.rng = rng
        self.today = today
        self.shares = shares
        self.iins: set[str] = set()
        self.phones: set[tuple[str, str]] = set()
        self.serials: Counter = Counter()
        self.articles = [a for a, weight in ARTICLES.items() for _ in range(weight)]
        self.handle_n = 0

    def _iin(self, born: date, sex: str) -> str:
        from qorgau.offenders.iin import make as make_iin

        while True:
            key = (born, sex)
            self.serials[key] += 1
            value = make_iin(born, sex, self.serials[key])
            if value and value not in self.iins:
                self.iins.add(value)
                return value

    def _phone(self) -> str:
        rng = self.rng
        while True:
            prefix = rng.choice(PHONE_PREFIXES)
            number = f"{rng.randrange(10_000_000):07d}"
            if (prefix, number) in self.phones:
                continue
            self.phones.add((prefix, number))
            a, b, c = number[:3], number[3:5], number[5:]
            return rng.choice(
                [f"8 {prefix} {a} {b} {c}", f"+7 ({prefix}) {a}-{b}-{c}", f"8{prefix}{number}"]
            )

    def name(self, sex: str) -> tuple[str, str, str]:
        """(surname, first name, patronymic or '')."""
        rng = self.rng
        kazakh = rng.random() < 0.65
        first = rng.choice(FEMALE if sex == "f" else KZ_MALE if kazakh else RU_MALE)
        surname = rng.choice(KZ_SURNAMES if kazakh or rng.random() < 0.2 else RU_SURNAMES)
        if sex == "f":
            surname = feminine(surname)
        father = ""
        if rng.random() < 0.9:
            father_name = rng.choice(KZ_MALE if kazakh else RU_MALE)
            father = patronymic(father_name, sex, kazakh and rng.random() < 0.3)
        return surname, first, father

    def row(self) -> GenRow:
        rng = self.rng
        sex = "m" if rng.random() < 0.95 else "f"
        surname, first, father = self.name(sex)
        full = " ".join(p for p in (surname, first, father) if p)
        youngest = self.today.year - 18
        born = date(rng.randint(1955, youngest), rng.randint(1, 12), rng.randint(1, 28))
        iin = self._iin(born, sex) if rng.random() < self.shares["iin"] else ""
        latin = translit(full, ICAO) if rng.random() < self.shares["latin"] else ""
        aliases: list[str] = []
        if rng.random() < self.shares["aliases"]:
            if first in DIMINUTIVES:
                aliases.append(f"{DIMINUTIVES[first]} {surname}")
            other_surname, other_first, _ = self.name(sex)
            aliases.append(f"{other_surname} {other_first}")
            if rng.random() < 0.3:
                aliases.append(translit(f"{first} {surname}", INFORMAL))
        earliest = max(born.replace(year=born.year + 18), date(2005, 1, 1))
        latest = self.today - timedelta(days=30)
        start = earliest + timedelta(days=rng.randint(0, max((latest - earliest).days, 0)))
        end = start + timedelta(days=rng.randint(2 * 365, 15 * 365))
        phones = [self._phone()] if rng.random() < self.shares["phones"] else []
        handles: list[str] = []
        if rng.random() < self.shares["handles"]:
            self.handle_n += 1
            base = translit(first, INFORMAL).lower()
            handles.append(f"telegram:@{base}_{self.handle_n:06d}")
        return GenRow(
            full_name=full,
            born=born,
            iin=iin,
            latin=latin,
            aliases=aliases,
            articles=rng.choice(self.articles),
            start=start,
            end=end,
            phones=phones,
            handles=handles,
        )


def to_csv(rows: list[GenRow], facility: str) -> str:
    from qorgau.offenders.services import CSV_COLUMNS

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(row.csv_row(facility))
    return out.getvalue()


# --- Queries: stored names, misspelled or in another alphabet -------------------------------------------


def typo(word: str, rng: random.Random) -> str:
    """One letter changed, dropped or doubled (never the first letter)."""
    if len(word) < 4:
        return word
    table = CYR_TYPOS if re.search(r"[а-яёәғқңөұүһі]", word.lower()) else LAT_TYPOS
    positions = [i for i in range(1, len(word)) if word[i].lower() in table]
    action = rng.random()
    if positions and action < 0.6:
        i = rng.choice(positions)
        return word[:i] + table[word[i].lower()] + word[i + 1 :]
    i = rng.randrange(1, len(word))
    if action < 0.8:
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def make_query(person: Any, rng: random.Random) -> tuple[str, str]:
    """A query for a stored person: (text, variant)."""
    words = person.full_name.split()
    aliases = list(person.aliases or [])
    pick = rng.random()
    if aliases and pick < 0.1:
        base, source = rng.choice(aliases).split(), "alias"
    elif person.full_name_latin and pick < 0.2:
        base, source = person.full_name_latin.split(), "latin"
    else:
        base, source = words, "name"
    parts: list[str] = []
    if len(base) >= 3 and rng.random() < 0.4:  # surname and first name only
        base = base[:2]
        parts.append("short")
    if len(base) >= 2 and rng.random() < 0.25:  # first name first
        base = [base[1], base[0], *base[2:]]
        parts.append("swapped")
    text = " ".join(base)
    if source == "latin":
        variant = "typo"
    else:
        variant = rng.choice(
            ["icao", "kz2021", "informal", "ru_keyboard", "typo", "typo", "informal_typo"]
        )
    if variant == "icao":
        text = translit(text, ICAO)
    elif variant == "kz2021":
        text = translit(text, KZ2021)
    elif variant in ("informal", "informal_typo"):
        text = translit(text, INFORMAL)
    elif variant == "ru_keyboard":
        text = text.translate(RU_KEYBOARD)
    if "typo" in variant:
        tokens = text.split()
        i = rng.randrange(len(tokens))
        tokens[i] = typo(tokens[i], rng)
        text = " ".join(tokens)
    return text, "+".join([source, variant, *parts])
