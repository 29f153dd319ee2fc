"""Benchmark of the offender register: CSV import and name search across alphabets, on PostgreSQL.

Run from the repository root:

    .venv/bin/python bench/offenders.py [--rows N] [--queries Q] [--import-mode auto|full|steps]

It creates a fresh PostgreSQL database, runs `manage.py migrate` (DEBUG=false, throwaway keys), sets
Django up in this process with the same environment, creates one facility and one central-office user,
generates a register of N synthetic people (Kazakh and Russian names, some Latin spellings, aliases,
valid IINs, articles 120-122, phones, a few handles) as a CSV in the import format, and measures,
calling the services directly (no HTTP):

* the import: `import_register_csv(acting_user=None, text=…, good_rows=False)` of the N-row file
  (target: 100,000 rows in under 60 s). A rolled-back pilot import first estimates the time: when
  100,000 rows would take far longer than `--import-budget` (default 600 s), it imports files of
  10,000 and 20,000 rows instead (`--step-rows`), extrapolates to N, and fills the rest of the register
  by a bulk path (persons and their `linking_nameentry` rows, skeletons from `names.skeleton`);
* the name search: `person_search(user=<central office>, name=q)` over the N-entry register: the first
  (cold, cache-filling) query, then `--queries` (default 500) misspelled or other-alphabet variants of
  stored names: p50/p99/mean per query (target p99 under 20 ms), and how often the intended person is
  in the top 5.

Before each measured phase it waits (up to `--quiet-wait`, default 600 s, polling every 15 s) until
the 1-minute load average is under `--quiet-load` (default 1.2), and records the load it measured under.
Every figure is one JSON line on stdout, appended to bench/results.jsonl (`--no-save` to skip); a short
table goes to stderr. The database is dropped at the end (`--keep-db` keeps it). `--profile` adds
cProfile tables (a rolled-back import and a pass of search queries, after the measurements: the
figures are not inflated).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import csv
import io
import os
import pstats
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from _common import (
    BenchError,
    app_environment,
    bench_database,
    log,
    manage,
    percentile,
    run_bench,
    setup_django,
)

DB_NAME = "qorgau_bench_offenders"

# The contract (2 cores, PostgreSQL).
CONTRACT_ROWS = 100_000
TARGET_IMPORT_S = 60.0
TARGET_SEARCH_P99_MS = 20.0
TOP_N = 5
FACILITY_NAME = "ИК-161/3 (бенчмарк)"
SEARCH_CUTOFF = 70  # person_search's cutoff for best_matches
SEARCH_RESERVE_S = 900  # what the bulk path, the search and the output need after the imports
FACILITY_REGION = "KZ-75"


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


# --- The machine's load ---------------------------------------------------------------------------------


def wait_quiet(args: argparse.Namespace, what: str) -> dict[str, Any]:
    """Wait until the 1-minute load average is under --quiet-load (other benchmarks may be running),
    at most --quiet-wait seconds; returns the load the phase starts under."""
    started = time.monotonic()
    load = os.getloadavg()[0]
    while load >= args.quiet_load and time.monotonic() - started < args.quiet_wait:
        log(f"{what}: load average {load:.2f} >= {args.quiet_load:g}, waiting")
        time.sleep(min(args.quiet_poll, max(args.quiet_wait - (time.monotonic() - started), 0.1)))
        load = os.getloadavg()[0]
    quiet = load < args.quiet_load
    if not quiet:
        log(f"{what}: still {load:.2f} after {args.quiet_wait:.0f} s; measuring anyway")
    return {
        "loadavg_1m_measured": round(load, 2),
        "load_wait_s": round(time.monotonic() - started, 1),
        "load_quiet": quiet,
        "_clock": (time.monotonic(), time.process_time()),
    }


def end_phase(load: dict[str, Any]) -> None:
    """Adds the load at the end of the phase and how much of its wall time this process had the
    CPU (its own Python work; PostgreSQL's backend is another process): a share far under the one
    expected says other processes took the CPU."""
    wall0, cpu0 = load.pop("_clock")
    wall, cpu = time.monotonic() - wall0, time.process_time() - cpu0
    load["loadavg_1m_after"] = round(os.getloadavg()[0], 2)
    load["phase_wall_s"] = round(wall, 1)
    load["process_cpu_s"] = round(cpu, 1)
    load["process_cpu_share"] = round(cpu / wall, 3) if wall else None


# --- Measuring: statements, optional cProfile --------------------------------------------------------------

_SQL_KIND = re.compile(
    r"^\s*(SELECT|INSERT INTO|UPDATE|DELETE FROM|SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT|\w+)",
    re.IGNORECASE,
)
_SQL_TABLE = re.compile(r'(?:FROM|INTO|UPDATE)\s+"?(\w+)"?', re.IGNORECASE)


def sql_kind(sql: str) -> str:
    verb_match = _SQL_KIND.match(sql)
    verb = verb_match.group(1).upper().split()[0] if verb_match else "?"
    if verb in ("SAVEPOINT", "RELEASE", "ROLLBACK"):
        return verb
    table = _SQL_TABLE.search(sql)
    return f"{verb} {table.group(1)}" if table else verb


@dataclass
class QueryCounter:
    """A connection.execute_wrapper: counts statements and the time spent executing them."""

    queries: int = 0
    seconds: float = 0.0
    kinds: Counter = field(default_factory=Counter)
    kind_seconds: Counter = field(default_factory=Counter)
    # Progress: every `mark_every` statements of kind `mark_kind`, (count, clock, SQL seconds so far,
    # of which the audit chain head's).
    mark_kind: str = ""
    mark_every: int = 0
    marks: list[tuple[int, float, float, float]] = field(default_factory=list)

    def __call__(self, execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            end = time.perf_counter()
            elapsed = end - start
            kind = sql_kind(sql)
            self.seconds += elapsed
            self.queries += 1
            self.kinds[kind] += 1
            self.kind_seconds[kind] += elapsed
            if kind == self.mark_kind and (
                self.kinds[kind] == 1 or self.kinds[kind] % self.mark_every == 0
            ):
                head = sum(v for k, v in self.kind_seconds.items() if k.endswith("auditchainhead"))
                self.marks.append((self.kinds[kind], end, self.seconds, head))

    def top(self, n: int = 8) -> dict[str, int]:
        return dict(self.kinds.most_common(n))

    def top_seconds(self, n: int = 8) -> dict[str, float]:
        return {k: round(v, 3) for k, v in self.kind_seconds.most_common(n)}


def print_profile(prof: cProfile.Profile, label: str) -> None:
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(35)
    stats.sort_stats("tottime").print_stats(20)
    log(f"profile of {label}:\n{out.getvalue()}")


# --- Synthetic people ---------------------------------------------------------------------------------------


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

DIMINUTIVES = {
    "Александр": "Саша",
    "Алексей": "Лёша",
    "Дмитрий": "Дима",
    "Евгений": "Женя",
    "Михаил": "Миша",
    "Николай": "Коля",
    "Сергей": "Серёжа",
    "Владимир": "Вова",
    "Владислав": "Влад",
    "Вячеслав": "Слава",
    "Константин": "Костя",
    "Павел": "Паша",
    "Иван": "Ваня",
    "Юрий": "Юра",
    "Нұрлан": "Нұрик",
    "Бауыржан": "Бауке",
    "Ержан": "Ержик",
    "Қайрат": "Кайрош",
    "Серік": "Сериккали",
    "Азамат": "Азик",
    "Тимур": "Тима",
    "Руслан": "Руся",
}

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
PHONE_PREFIXES = [
    "700",
    "701",
    "702",
    "705",
    "707",
    "708",
    "747",
    "771",
    "775",
    "776",
    "777",
    "778",
]


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
        while True:
            key = (born, sex)
            self.serials[key] += 1
            value = iin_make(born, sex, self.serials[key])
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


def iin_make(born: date, sex: str, serial: int) -> str | None:
    from qorgau.offenders.iin import make

    return make(born, sex, serial)


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


# --- The register -------------------------------------------------------------------------------------------


@dataclass
class World:
    facility: Any
    user: Any


def make_world() -> World:
    from django.contrib.auth.hashers import make_password

    from qorgau.core.enums import Role
    from qorgau.core.models import CriminalArticle, Region, User
    from qorgau.offenders.models import Facility

    region = Region.objects.filter(code=FACILITY_REGION).first() or Region.objects.first()
    if region is None:
        raise BenchError("no regions after migrate (reference data missing)")
    missing = {"120", "121", "122"} - set(
        CriminalArticle.objects.filter(number__in=["120", "121", "122"]).values_list(
            "number", flat=True
        )
    )
    if missing:
        raise BenchError(f"articles {sorted(missing)} are not in the reference data")
    facility = Facility.objects.create(name=FACILITY_NAME, region=region)
    user = User.objects.create(
        username="bench-central-office",
        full_name="Central Office (bench)",
        role=Role.CENTRAL_OFFICE,
        password=make_password(None),
    )
    return World(facility=facility, user=user)


def register_size() -> tuple[int, int]:
    """(register entries, their name entries)."""
    from qorgau.linking.models import NameEntry
    from qorgau.offenders.models import Person
    from qorgau.offenders.services import PERSON_OWNER

    return (
        Person.objects.count(),
        NameEntry.objects.filter(owner_type=PERSON_OWNER).count(),
    )


def bulk_fill(rows: list[GenRow], world: World, batch: int = 2000) -> float:
    """The register without the import: Person rows (encrypted fields, IIN lookup) and their
    `linking_nameentry` rows as person_create writes them (skeletons of name, Latin name, aliases).
    No convictions, identifiers or audit entries: the name search reads none of them."""
    from django.db import transaction

    from qorgau.linking.models import NameEntry
    from qorgau.linking.names import skeleton
    from qorgau.offenders.enums import PersonStatus
    from qorgau.offenders.models import Person
    from qorgau.offenders.services import PERSON_OWNER, iin_lookup

    started = time.perf_counter()
    for first in range(0, len(rows), batch):
        chunk = rows[first : first + batch]
        with transaction.atomic():
            people = Person.objects.bulk_create(
                [
                    Person(
                        full_name=row.full_name,
                        full_name_latin=row.latin or None,
                        aliases=row.aliases or None,
                        date_of_birth=row.born,
                        iin=row.iin or None,
                        iin_lookup=iin_lookup(row.iin) if row.iin else None,
                        status=PersonStatus.IN_CUSTODY,
                        region=world.facility.region,
                        facility=world.facility,
                        admitted_on=row.start,
                    )
                    for row in chunk
                ]
            )
            entries = []
            for person, row in zip(people, chunk, strict=True):
                keys = {skeleton(n) for n in (row.full_name, row.latin, *row.aliases) if n}
                entries += [
                    NameEntry(owner_type=PERSON_OWNER, owner_id=person.pk, skeleton=key[:200])
                    for key in keys
                    if key
                ]
            NameEntry.objects.bulk_create(entries, ignore_conflicts=True)
    return time.perf_counter() - started


def vacuum_analyze() -> None:
    """What autovacuum would have done after a large import: statistics and the visibility map."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in (
            "offenders_person",
            "offenders_conviction",
            "offenders_conviction_articles",
            "offenders_examination",
            "linking_nameentry",
            "linking_identifier",
            "linking_identifieruse",
            "linking_subject",
            "core_auditentry",
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")


def pg_settings() -> dict[str, str]:
    from django.db import connection

    names = ["server_version", "synchronous_commit", "fsync", "shared_buffers", "work_mem"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, setting FROM pg_settings WHERE name = ANY(%s)", [names])
        return dict(cursor.fetchall())


# --- The import ----------------------------------------------------------------------------------------------


@dataclass
class ImportRun:
    rows: int
    seconds: float
    imported: int
    errors: int
    first_errors: list[str]
    queries: int
    sql_seconds: float
    kinds: dict[str, int]
    kind_seconds: dict[str, float]
    register_before: int
    register_after: int
    load: dict[str, Any]
    rolled_back: bool = False
    # [rows written, seconds since the call, SQL seconds, audit chain head SQL seconds]
    progress: list[list[float]] = field(default_factory=list)

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    def model(self) -> CostModel:
        return CostModel.fit(self)


@dataclass
class CostModel:
    """t(N) = v·N + a·N + b·N²: the check of every row (v: the time to the first write, per row),
    then the writes, fitted (least squares, through the origin) on the import's progress."""

    v: float
    a: float
    b: float
    fitted_on: int

    @classmethod
    def fit(cls, run: ImportRun) -> CostModel:
        if not run.progress:
            return cls(v=0.0, a=run.seconds / max(run.rows, 1), b=0.0, fitted_on=run.rows)
        validate = run.progress[0][1]
        points = [(k, t - validate) for k, t, *_ in run.progress[1:]]
        points.append((run.rows, run.seconds - validate))
        s2 = sum(k**2 for k, _ in points)
        s3 = sum(k**3 for k, _ in points)
        s4 = sum(k**4 for k, _ in points)
        t1 = sum(k * t for k, t in points)
        t2 = sum(k**2 * t for k, t in points)
        det = s2 * s4 - s3 * s3
        a, b = ((t1 * s4 - t2 * s3) / det, (s2 * t2 - s3 * t1) / det) if det else (0.0, 0.0)
        if b < 0 or not det:  # no growth: a straight line
            a, b = run.seconds / max(run.rows, 1), 0.0
        return cls(v=validate / max(run.rows, 1), a=a, b=b, fitted_on=run.rows)

    def seconds(self, rows: int) -> float:
        return self.v * rows + self.a * rows + self.b * rows * rows

    def describe(self) -> dict[str, Any]:
        return {
            "formula": "v*N + a*N + b*N^2",
            "v_ms_per_row": _round(self.v * 1000, 4),
            "a_ms_per_row": _round(self.a * 1000, 4),
            "b_ms_per_row2": float(f"{self.b * 1000:.4g}"),
            "fitted_on_rows": self.fitted_on,
        }


def progress_summary(run: ImportRun, slices: int = 5) -> list[dict[str, Any]]:
    """Milliseconds per row written, in slices of the write phase: growth shows here."""
    if len(run.progress) < 2:
        return []
    points = run.progress
    step = max((len(points) - 1) // slices, 1)
    out = []
    for i in range(0, len(points) - 1, step):
        j = min(i + step, len(points) - 1)
        (k0, t0, s0, h0), (k1, t1, s1, h1) = points[i], points[j]
        rows = max(k1 - k0, 1)
        out.append(
            {
                "rows": f"{int(k0)}-{int(k1)}",
                "ms_per_row": _round((t1 - t0) * 1000 / rows, 3),
                "sql_ms_per_row": _round((s1 - s0) * 1000 / rows, 3),
                "audit_head_ms_per_row": _round((h1 - h0) * 1000 / rows, 3),
            }
        )
    return out


def run_import(
    rows: list[GenRow], world: World, load: dict[str, Any], *, rollback: bool = False
) -> ImportRun:
    """`import_register_csv` of these rows as one file, timed (the CSV text is built beforehand).
    With `rollback`, inside an outer transaction rolled back afterwards (the pilot)."""
    from django.db import connection, transaction

    from qorgau.offenders.services import import_register_csv

    text = to_csv(rows, world.facility.name)
    before = register_size()[0]
    counter = QueryCounter(mark_kind="INSERT offenders_person", mark_every=max(len(rows) // 50, 20))
    with contextlib.ExitStack() as stack:
        if rollback:
            stack.enter_context(transaction.atomic())
        stack.enter_context(connection.execute_wrapper(counter))
        start = time.perf_counter()
        result = import_register_csv(acting_user=None, text=text, good_rows=False)
        seconds = time.perf_counter() - start
        if rollback:
            transaction.set_rollback(True)
    after = register_size()[0] if not rollback else before
    return ImportRun(
        rows=len(rows),
        seconds=seconds,
        imported=result.imported,
        errors=len(result.errors),
        first_errors=[f"line {line}: {msg}" for line, msg in result.errors[:5]],
        queries=counter.queries,
        sql_seconds=counter.seconds,
        kinds=counter.top(),
        kind_seconds=counter.top_seconds(),
        register_before=before,
        register_after=after,
        load=load,
        rolled_back=rollback,
        progress=[
            [k, round(t - start, 4), round(sql, 4), round(head, 4)]
            for k, t, sql, head in counter.marks
        ],
    )


def check_import(run: ImportRun, what: str) -> None:
    if run.errors or run.imported != run.rows:
        raise BenchError(
            f"{what}: {run.imported} of {run.rows} rows imported, {run.errors} errors; the "
            f"generated file should be valid: {run.first_errors}"
        )


# --- The search ----------------------------------------------------------------------------------------------


@dataclass
class SearchRun:
    cold_ms: float
    cold_hit: bool
    times_ms: list[float]
    hits: int
    top1: int
    ranked_6_20: int
    not_found: int
    miss_classes: dict[str, int]
    misses_with_namesake: int
    ms_by_variant: dict[str, float | None]
    by_variant: dict[str, list[int]]
    queries_per_search: float
    sql_ms_per_search: float
    kinds: dict[str, int]
    kind_seconds: dict[str, float]
    results_per_search: float
    load: dict[str, Any]
    examples: list[dict[str, Any]]


def search_queries(n: int, rng: random.Random) -> list[tuple[str, str, int]]:
    """n queries (text, variant, intended person pk) for people drawn from the register."""
    from qorgau.offenders.models import Person

    pks = list(Person.objects.values_list("pk", flat=True))
    if not pks:
        raise BenchError("the register is empty")
    chosen = [rng.choice(pks) for _ in range(n)]
    people = Person.objects.in_bulk(chosen)
    queries = []
    for pk in chosen:
        text, variant = make_query(people[pk], rng)
        queries.append((text, variant, pk))
    return queries


def skeletons_of(pks: list[int]) -> dict[int, set[str]]:
    """The name skeletons of these register entries, as the search holds them."""
    from qorgau.linking.models import NameEntry
    from qorgau.offenders.services import PERSON_OWNER

    out: dict[int, set[str]] = {}
    rows = NameEntry.objects.filter(owner_type=PERSON_OWNER, owner_id__in=pks)
    for owner, key in rows.values_list("owner_id", "skeleton"):
        out.setdefault(owner, set()).add(key)
    return out


def skeletons_for_top(found: list[tuple[int, float]], known: dict[int, set[str]]) -> list[set]:
    """The skeletons of the top-5 results (read once, then kept in `known`)."""
    top = [pk for pk, _score in found[:TOP_N]]
    missing = [pk for pk in top if pk not in known]
    if missing:
        known.update(skeletons_of(missing))
    return [known.get(pk, set()) for pk in top]


def own_score(query: str, skeletons: set[str]) -> float:
    """The intended person's best score for the query, as `best_matches` computes it."""
    from rapidfuzz import fuzz

    from qorgau.linking.names import skeleton

    target = skeleton(query)
    return max((round(fuzz.token_set_ratio(target, s), 1) for s in skeletons), default=0.0)


def run_search(
    world: World, queries: list[tuple[str, str, int]], load: dict[str, Any]
) -> SearchRun:
    from django.db import connection

    from qorgau.offenders.selectors import person_search

    (cold_text, _variant, cold_pk), measured = queries[0], queries[1:]
    start = time.perf_counter()
    cold_hits = person_search(user=world.user, name=cold_text)
    cold_ms = (time.perf_counter() - start) * 1000
    counter = QueryCounter()
    times: list[float] = []
    results: list[list[tuple[int, float]]] = []
    with connection.execute_wrapper(counter):
        for text, _variant, _pk in measured:
            start = time.perf_counter()
            hits = person_search(user=world.user, name=text)
            times.append((time.perf_counter() - start) * 1000)
            results.append([(h.person.pk, h.score) for h in hits])
    # Scoring after the timed loop (it queries). A miss is classified by the intended person's own
    # score for the query (its best name, as `best_matches` scores it): under the cutoff (the
    # search cannot return it), tied with the fifth (equal scores are ordered by id), or outscored.
    hit = top1 = ranked = not_found = namesakes = 0
    classes: Counter = Counter()
    by_variant: dict[str, list[int]] = {}
    examples = []
    misses = [
        (text, variant, pk, found)
        for (text, variant, pk), found in zip(measured, results, strict=True)
        if pk not in [f[0] for f in found[:TOP_N]]
    ]
    skeletons = skeletons_of([pk for _t, _v, pk, _f in misses])
    by_variant_ms: dict[str, list[float]] = {}
    for (_text, variant, pk), found, ms in zip(measured, results, times, strict=True):
        by_variant_ms.setdefault(variant.split("+")[1], []).append(ms)
        counts = by_variant.setdefault(variant.split("+")[1], [0, 0])
        counts[1] += 1
        ids = [f[0] for f in found]
        if pk in ids[:TOP_N]:
            hit += 1
            counts[0] += 1
            top1 += ids[:1] == [pk]
    for text, variant, pk, found in misses:
        ids = [f[0] for f in found]
        if pk in ids:
            ranked += 1
        else:
            not_found += 1
        mine = skeletons.get(pk, set())
        own = own_score(text, mine)
        fifth = found[TOP_N - 1][1] if len(found) >= TOP_N else None
        if own < SEARCH_CUTOFF:
            kind = "under_cutoff"
        elif fifth is not None and own >= fifth:
            kind = "tied_with_fifth"
        else:
            kind = "outscored"
        classes[kind] += 1
        if mine & set().union(*skeletons_for_top(found, skeletons)):
            namesakes += 1
        if len(examples) < 10:
            rank = ids.index(pk) + 1 if pk in ids else None
            examples.append(
                {"query": text, "variant": variant, "rank": rank, "own_score": own, "class": kind}
            )
    n = max(len(measured), 1)
    return SearchRun(
        cold_ms=cold_ms,
        cold_hit=cold_pk in [h.person.pk for h in cold_hits[:TOP_N]],
        times_ms=times,
        hits=hit,
        top1=top1,
        ranked_6_20=ranked,
        not_found=not_found,
        miss_classes=dict(classes),
        misses_with_namesake=namesakes,
        ms_by_variant={
            key: _round(percentile(values, 50)) for key, values in sorted(by_variant_ms.items())
        },
        by_variant=by_variant,
        queries_per_search=counter.queries / n,
        sql_ms_per_search=counter.seconds * 1000 / n,
        kinds=counter.top(),
        kind_seconds=counter.top_seconds(),
        results_per_search=sum(len(r) for r in results) / n,
        load=load,
        examples=examples,
    )


# --- One run --------------------------------------------------------------------------------------------------


def measure(args: argparse.Namespace, commit: str, loadavg_before: float) -> list[dict[str, Any]]:
    from django.utils import timezone

    rng = random.Random(args.seed)  # noqa: S311 - reproducible test data, not secrets
    started = time.monotonic()
    world = make_world()
    shares = {
        "iin": args.iin_share,
        "latin": args.latin_share,
        "aliases": args.alias_share,
        "phones": args.phone_share,
        "handles": args.handle_share,
    }
    generator = Generator(rng, today=timezone.localdate(), shares=shares)
    log(f"generating {args.rows} register rows (+{args.pilot_rows} for the pilot)")
    t0 = time.perf_counter()
    pilot_rows = [generator.row() for _ in range(args.pilot_rows)]
    rows = [generator.row() for _ in range(args.rows)]
    generate_s = time.perf_counter() - t0
    csv_bytes = len(to_csv(rows, world.facility.name).encode())
    log(f"generated in {generate_s:.1f} s; the {args.rows}-row file is {csv_bytes / 1e6:.1f} MB")

    common: dict[str, Any] = {
        "git_commit": commit,
        "database": "postgresql",
        "cores": os.cpu_count(),
        "loadavg_1m_before": loadavg_before,
        "postgresql": pg_settings(),
        "seed": args.seed,
        "profiled": False,
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    lines: list[dict[str, Any]] = []

    def line(name: str, value: Any, unit: str, target: str | None, met: bool | None, **extra: Any):
        entry = {"name": name, "value": value, "unit": unit, **extra, **common}
        if target is not None:
            entry["target"] = target
            entry["meets_target"] = met
        lines.append(entry)

    # Pilot: a rolled-back import, to estimate the time of the whole file.
    mode = args.import_mode
    pilot = None
    model: CostModel | None = None
    if mode == "auto" and args.pilot_rows:
        load = wait_quiet(args, "pilot import")
        log(f"pilot: import of {args.pilot_rows} rows (rolled back)")
        pilot = run_import(pilot_rows, world, load, rollback=True)
        end_phase(load)
        check_import(pilot, "pilot")
        model = pilot.model()
        estimate = model.seconds(args.rows)
        log(f"pilot: SQL seconds by statement: {pilot.kind_seconds}")
        log(f"pilot: ms per row as the import goes on: {progress_summary(pilot)}")
        log(
            f"pilot: {pilot.seconds:.1f} s, {pilot.rows_per_s:.0f} rows/s, "
            f"{pilot.queries / pilot.rows:.1f} statements/row; {args.rows} rows: ~{estimate:.0f} s "
            f"(fitted {model.describe()}; at the pilot's rate {args.rows / pilot.rows_per_s:.0f} s)"
        )
        mode = "full" if estimate <= args.import_budget else "steps"
        if mode == "steps":
            log(f"~{estimate:.0f} s > --import-budget {args.import_budget:g} s: importing steps")

    imports: list[ImportRun] = []
    skipped: list[dict[str, Any]] = []
    fill_s = None
    if mode == "full":
        load = wait_quiet(args, "import")
        log(f"import of {args.rows} rows")
        run = run_import(rows, world, load)
        end_phase(load)
        check_import(run, "import")
        imports.append(run)
    else:
        offset = 0
        for size in args.step_rows:
            if offset + size > len(rows):
                skipped.append({"rows": size, "reason": "the steps would exceed --rows"})
                continue
            guess = model.seconds(size) if model is not None else None
            left = args.deadline - time.monotonic() - SEARCH_RESERVE_S
            if guess is not None and (guess > args.step_budget or guess > left):
                reason = "over --step-budget" if guess > args.step_budget else "over --timeout"
                log(f"skipping the import of {size} rows: ~{guess:.0f} s expected, {reason}")
                skipped.append({"rows": size, "estimated_s": _round(guess, 1), "reason": reason})
                continue
            load = wait_quiet(args, f"import of {size}")
            estimate_text = f", ~{model.seconds(size):.0f} s expected" if model else ""
            log(f"import of {size} rows (register: {register_size()[0]}{estimate_text})")
            run = run_import(rows[offset : offset + size], world, load)
            end_phase(load)
            check_import(run, f"import of {size} rows")
            imports.append(run)
            model = run.model()
            log(f"  {run.seconds:.1f} s, {run.rows_per_s:.0f} rows/s")
            offset += size
        log(f"bulk path: the other {len(rows) - offset} register entries")
        fill_s = bulk_fill(rows[offset:], world)
        log(f"  {fill_s:.1f} s")

    for run in imports:
        log(f"import: {run.rows} rows in {run.seconds:.1f} s ({run.rows_per_s:.0f} rows/s)")
        log(f"  SQL seconds by statement: {run.kind_seconds}")
        log(f"  ms per row as the import goes on: {progress_summary(run)}")
        extra = {
            "rows": run.rows,
            "register_entries": run.register_after,
            "register_entries_before": run.register_before,
            "imported": run.imported,
            "errors": run.errors,
            "extrapolated": False,
            "queries": run.queries,
            "queries_per_row": _round(run.queries / max(run.rows, 1), 1),
            "sql_execute_s": _round(run.sql_seconds),
            "validate_s": _round(run.progress[0][1]) if run.progress else None,
            "queries_by_kind": run.kinds,
            "sql_seconds_by_kind": run.kind_seconds,
            "ms_per_row_as_it_goes": progress_summary(run),
            "model": run.model().describe(),
            "csv_bytes": csv_bytes if run.rows == len(rows) else None,
            **run.load,
        }
        contract = run.rows == CONTRACT_ROWS
        line(
            "offenders_import_s",
            _round(run.seconds),
            "s",
            f"< {TARGET_IMPORT_S:g}" if contract else None,
            run.seconds < TARGET_IMPORT_S if contract else None,
            **extra,
        )
        line(
            "offenders_import_rows_per_s", _round(run.rows_per_s, 1), "rows/s", None, None, **extra
        )
    if mode == "steps" and imports:
        # The model fitted on the largest import's progress (per-row cost growing with the rows
        # already written in the transaction), beside a straight line through the step imports and
        # the plain rate of the largest one, all to the N rows of the file.
        big = max(imports, key=lambda r: r.rows)
        big_model = big.model()
        value = big_model.seconds(args.rows)
        proportional = args.rows / big.rows_per_s
        linear = None
        if len(imports) >= 2:
            r1, r2 = imports[0], imports[-1]
            slope = (r2.seconds - r1.seconds) / (r2.rows - r1.rows)
            linear = r1.seconds + slope * (args.rows - r1.rows)
        contract = args.rows == CONTRACT_ROWS
        extra = {
            "rows": args.rows,
            "register_entries": args.rows,
            "extrapolated": True,
            "extrapolated_from": "model",
            "model": big_model.describe(),
            "extrapolated_linear_s": _round(linear, 1),
            "extrapolated_proportional_s": _round(proportional, 1),
            "measured": [
                {
                    "rows": r.rows,
                    "seconds": _round(r.seconds),
                    "rows_per_s": _round(r.rows_per_s, 1),
                    "register_entries_before": r.register_before,
                    "model_s": _round(big_model.seconds(r.rows), 1),
                }
                for r in imports
            ],
            "skipped_steps": skipped,
            "csv_bytes": csv_bytes,
        }
        log(
            f"import of {args.rows} rows, extrapolated: {value:.0f} s (model), at the rate of "
            f"{big.rows} rows {proportional:.0f} s"
        )
        line(
            "offenders_import_s",
            _round(value, 1),
            "s",
            f"< {TARGET_IMPORT_S:g}" if contract else None,
            value < TARGET_IMPORT_S if contract else None,
            **extra,
        )
        line(
            "offenders_import_rows_per_s",
            _round(args.rows / value, 1),
            "rows/s",
            None,
            None,
            **extra,
        )
    if pilot:
        for entry in lines:
            entry["pilot"] = {
                "rows": pilot.rows,
                "seconds": _round(pilot.seconds),
                "rows_per_s": _round(pilot.rows_per_s, 1),
                "queries_per_row": _round(pilot.queries / pilot.rows, 1),
                "estimate_s": _round(pilot.model().seconds(args.rows), 1),
                "model": pilot.model().describe(),
                **pilot.load,
            }

    # The search, over the whole register.
    log("VACUUM ANALYZE")
    vacuum_analyze()
    entries, names = register_size()
    queries = search_queries(args.queries + 1, rng)
    load = wait_quiet(args, "search")
    log(f"search: 1 cold + {args.queries} queries over {entries} entries ({names} names)")
    run = run_search(world, queries, load)
    end_phase(load)
    p50, p99 = percentile(run.times_ms, 50), percentile(run.times_ms, 99)
    mean = sum(run.times_ms) / len(run.times_ms) if run.times_ms else None
    n = max(len(run.times_ms), 1)
    extra = {
        "rows": args.rows,
        "register_entries": entries,
        "name_entries": names,
        "register_filled_by": "import" if mode == "full" else "import steps + bulk path",
        "bulk_fill_s": _round(fill_s, 1),
        "queries": len(run.times_ms),
        "mean_ms": _round(mean),
        "p50_ms": _round(p50),
        "p90_ms": _round(percentile(run.times_ms, 90)),
        "p99_ms": _round(p99),
        "max_ms": _round(max(run.times_ms) if run.times_ms else None),
        "cold_ms": _round(run.cold_ms),
        "top5_hit_rate": _round(run.hits / n, 4),
        "top1_hit_rate": _round(run.top1 / n, 4),
        "sql_statements_per_search": _round(run.queries_per_search, 2),
        "sql_ms_per_search": _round(run.sql_ms_per_search),
        "sql_by_kind": run.kinds,
        "sql_ms_by_kind": {k: round(v * 1000 / n, 3) for k, v in run.kind_seconds.items()},
        "results_per_search": _round(run.results_per_search, 1),
        **run.load,
    }
    contract = entries >= CONTRACT_ROWS
    log(
        f"search: cold {run.cold_ms:.1f} ms; p50 {p50:.2f} ms, p99 {p99:.2f} ms, mean {mean:.2f} ms;"
        f" top-5 hits {run.hits}/{n}"
    )
    for example in run.examples:
        log(
            f"  a miss: {example['query']!r} ({example['variant']}): rank {example['rank']}, "
            f"own score {example['own_score']}, {example['class']}"
        )
    line("offenders_search_p50_ms", _round(p50), "ms", None, None, **extra)
    line(
        "offenders_search_p99_ms",
        _round(p99),
        "ms",
        f"< {TARGET_SEARCH_P99_MS:g}" if contract else None,
        (p99 is not None and p99 < TARGET_SEARCH_P99_MS) if contract else None,
        **extra,
    )
    line(
        "offenders_search_cold_ms",
        _round(run.cold_ms),
        "ms",
        None,
        None,
        cold_hit=run.cold_hit,
        **extra,
    )
    line(
        "offenders_search_top5_hit_rate",
        _round(run.hits / n, 4),
        "ratio",
        None,
        None,
        hits=run.hits,
        misses_ranked_6_to_20=run.ranked_6_20,
        misses_not_returned=run.not_found,
        miss_classes=run.miss_classes,
        misses_with_exact_namesake_in_top5=run.misses_with_namesake,
        p50_ms_by_variant=run.ms_by_variant,
        hit_rate_by_variant={
            k: {"hits": v[0], "queries": v[1], "rate": _round(v[0] / v[1], 3)}
            for k, v in sorted(run.by_variant.items())
        },
        **extra,
    )

    if args.profile:
        profile_runs(args, world, generator, rng)
    log(f"total {time.monotonic() - started:.0f} s")
    return lines


def profile_runs(
    args: argparse.Namespace, world: World, generator: Generator, rng: random.Random
) -> None:
    """cProfile of a rolled-back import and of a pass of search queries (after the measurements)."""
    from django.db import connection, transaction

    from qorgau.offenders.selectors import person_search
    from qorgau.offenders.services import import_register_csv

    rows = [generator.row() for _ in range(args.profile_rows)]
    text = to_csv(rows, world.facility.name)
    prof = cProfile.Profile()
    counter = QueryCounter()
    with transaction.atomic(), connection.execute_wrapper(counter):
        prof.enable()
        import_register_csv(acting_user=None, text=text, good_rows=False)
        prof.disable()
        transaction.set_rollback(True)
    log(f"import profile: {counter.queries / len(rows):.1f} statements/row: {counter.top(15)}")
    print_profile(prof, f"import_register_csv of {len(rows)} rows (rolled back)")
    queries = search_queries(args.profile_queries, rng)
    person_search(user=world.user, name=queries[0][0])  # the cache is filled
    prof = cProfile.Profile()
    prof.enable()
    for text, _variant, _pk in queries:
        person_search(user=world.user, name=text)
    prof.disable()
    print_profile(prof, f"person_search x {len(queries)}")


# --- Output -------------------------------------------------------------------------------------------------


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.1f}" if value >= 100 else f"{value:.3f}" if value < 10 else f"{value:.2f}"
    return str(value)


def print_table(lines: list[dict[str, Any]]) -> None:
    first = lines[0]
    print("", file=sys.stderr)
    print(
        f"Qorgau offender register @ {first['git_commit']}, PostgreSQL "
        f"{first['postgresql'].get('server_version', '')}, load before {first['loadavg_1m_before']}",
        file=sys.stderr,
    )
    print(
        f"  {'figure':42} {'value':>10} {'unit':7} {'rows':>7} {'register':>8} {'target':>7} "
        f"{'verdict':8} {'load':>5}",
        file=sys.stderr,
    )
    for entry in lines:
        verdict = ""
        if "meets_target" in entry:
            verdict = "ok" if entry["meets_target"] else "MISSED"
        label = entry["name"] + (" (extrap.)" if entry.get("extrapolated") else "")
        print(
            f"  {label:42} {_fmt(entry['value']):>10} {entry['unit']:7} {entry['rows']:>7} "
            f"{entry.get('register_entries', ''):>8} {entry.get('target', ''):>7} {verdict:8} "
            f"{_fmt(entry.get('loadavg_1m_measured')):>5}",
            file=sys.stderr,
        )
    hit = next((e for e in lines if e["name"] == "offenders_search_top5_hit_rate"), None)
    if hit:
        print(
            f"  search: {hit['queries']} queries, mean {_fmt(hit['mean_ms'])} ms, "
            f"{hit['sql_statements_per_search']} statements ({_fmt(hit['sql_ms_per_search'])} ms) "
            f"per search; misses: {hit['misses_ranked_6_to_20']} ranked 6-20, "
            f"{hit['misses_not_returned']} not returned; {hit['miss_classes']}",
            file=sys.stderr,
        )


# --- Main ---------------------------------------------------------------------------------------------------


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(x) for x in text.split(",") if x.strip()]
    except ValueError as exc:
        raise argparse.ArgumentTypeError("a comma-separated list of row counts") from exc
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("a comma-separated list of positive row counts")
    return sizes


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=CONTRACT_ROWS, help="register rows (CSV)")
    parser.add_argument(
        "--queries", type=int, default=500, help="search queries after the cold one"
    )
    parser.add_argument(
        "--import-mode",
        choices=["auto", "full", "steps"],
        default="auto",
        help="full: import the N-row file; steps: import --step-rows files, extrapolate, fill the "
        "rest by the bulk path; auto: full unless the pilot says it would exceed --import-budget",
    )
    parser.add_argument("--import-budget", type=float, default=600.0, help="seconds (auto mode)")
    parser.add_argument("--pilot-rows", type=int, default=1000, help="rolled-back pilot import")
    parser.add_argument("--step-rows", type=_sizes, default=[10000, 20000], help="steps mode")
    parser.add_argument(
        "--step-budget",
        type=float,
        default=1800.0,
        help="seconds: a step import expected to take longer is skipped (reported)",
    )
    parser.add_argument("--iin-share", type=float, default=0.6)
    parser.add_argument("--latin-share", type=float, default=0.4)
    parser.add_argument("--alias-share", type=float, default=0.15)
    parser.add_argument("--phone-share", type=float, default=0.3)
    parser.add_argument("--handle-share", type=float, default=0.05)
    parser.add_argument("--quiet-load", type=float, default=1.2, help="1-minute load average")
    parser.add_argument("--quiet-wait", type=float, default=600.0, help="seconds, per phase")
    parser.add_argument("--quiet-poll", type=float, default=15.0, help="seconds")
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--db-name", default=DB_NAME)
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database")
    parser.add_argument("--no-save", action="store_true", help="do not append to results.jsonl")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile tables on stderr, after the measurements"
    )
    parser.add_argument("--profile-rows", type=int, default=1000)
    parser.add_argument("--profile-queries", type=int, default=200)
    parser.add_argument(
        "--timeout", type=int, default=7200, help="seconds before the run is abandoned"
    )
    args = parser.parse_args(argv)
    if args.rows < 1 or args.queries < 1:
        parser.error("--rows and --queries must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    def prepare(url: str, scratch: Path) -> None:
        env = app_environment(url, scratch)
        log("migrating (manage.py migrate)")
        manage(env, "migrate", "--noinput", timeout=600)
        setup_django(env)

    def run(commit: str) -> list[dict[str, Any]]:
        loadavg_before = round(os.getloadavg()[0], 2)
        args.deadline = time.monotonic() + args.timeout
        with bench_database(
            args.pg_url,
            args.db_name,
            keep=args.keep_db,
            prefix="qorgau-bench-offenders-",
            prepare=prepare,
        ):
            return measure(args, commit, loadavg_before)

    return run_bench(args.timeout, run, save=not args.no_save, print_table=print_table)


if __name__ == "__main__":
    sys.exit(main())
