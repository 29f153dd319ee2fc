"""Word forms for triage (issue 20, part 2): stems of rule terms, and whether a word of the
narrative that begins with a rule term is NEGATIVE or PAST, in Kazakh, Russian and English.

Triage matches a rule term at the start of a narrative's words. "не встречались", "кездеспейміз",
"кездескенбіз", "we met last year" begin with a meeting term too, but say the meeting did not or
will not happen, or is over; `word_features` tells these apart from "кездесейік", "встретимся".
Every input is FOLDED (`textforms.fold`: lowercase, і→и ә→а ө→о ү/ұ→у қ→к ғ→г ң→н һ→х ё→е),
Cyrillic for Kazakh and Russian (Latin Kazakh and translit reach us already transliterated),
Latin for English; every output is folded too. Pure functions, no Django.

- Russian and English stems: Snowball (`snowballstemmer`); Russian tense: `pymorphy3`'s best parse.
- Kazakh: `kk_stem`, a suffix stripper of our own. Evaluated and not used: Snowball and PyStemmer
  have no Kazakh algorithm, nor has NLTK; `qaznltk` tokenises and transliterates but does not
  stem; `kazstem` (0.2.1, GPL-3.0, first released in 2026, one author) is a full finite-state
  analyser, young, under a licence that would bind this code, and far heavier than the few
  microseconds a triage word may cost; Apertium's Kazakh analyser needs the lttoolbox/apertium
  binaries (not on PyPI) and Stanza's Kazakh model loads weights from a hub at run time. No
  maintained Python Kazakh stemmer exists, as the issue says.

`kk_stem` reads a word from its end as a chain of suffixes a Kazakh word can carry (noun: plural,
possessive, case, predicative person; verb: negation, tense/aspect/mood, person), each suffix only
where the suffix outside it may follow it (the present -а/-е/-й only under a personal ending, a
case only outside a possessive, plural or participle, nothing inside a negation but the stem).
Of all the readings the one with the shortest stem wins, a stem in `KK_ROOTS` before any other
(it keeps "жібер", "мектеп", "бала" whole, whose endings look like suffixes). Stripping stops at
`KK_MIN_STEM` = 3 letters: most Kazakh roots have three or more (кел, бар, жаз, көр, кездес), and
a two-letter remainder (ал, бер, ки ...) begins too many unrelated words to be matched as a
prefix; a word left a little too long is harmless, since triage matches terms as prefixes.
"""

from __future__ import annotations

import functools
import re

import snowballstemmer

from qorgau.intake.textforms import fold

CACHE = 65536
KK_MIN_STEM = 3
KK_MAX_WORD = 40  # longer "words" (a run of letters, a pasted string) are not analysed
TERM_MIN_STEM = 4  # a term's stem is used as a prefix only from 4 letters on

# --- Kazakh --------------------------------------------------------------------------------------

# Suffix classes. Verbal: NEG negation (Q the same letters as a question particle, outside a
# personal ending); PAST definite past -ды; PERS_A the short personal endings
# of the past and the conditional (-м -ң -қ -ңыз -ңдар); PRES present-future -а/-е/-й; P3 the
# 3rd person -ды of the present (келеді); PRED predicative/personal endings (-мын, -сың, -біз);
# PTCP participles and verbal nouns (-ған, -атын, -у, -мақ, -ушы); PERF the past participle
# -ған (a class of its own: it makes a perfect, "кездескенбіз"); EVID evidential -ыпты;
# MAS negative future -мас; COND conditional -са; OPT optative and imperative; CONV converb -ып;
# DESID desiderative -ғы- with its possessive ("кездескім келеді"). Nominal: PLUR, POSS, CASE
# (POSS3 the 3rd person possessive, after which the case endings take an -н-).
# Vowels for the sound rules; у is not one of them: after the verbal noun -у the possessive
# takes its after-a-consonant form ("кездесуіміз").
_VOWELS = "аеиоыэюя"
_SUFFIXES: dict[str, tuple[str, ...]] = {
    "NEG": ("ма", "ме", "ба", "бе", "па", "пе"),
    # the question particle written on to the word ("кездесеміз бе" as "кездесемізбе")
    "Q": ("ма", "ме", "ба", "бе", "па", "пе"),
    "MAS": ("мас", "мес", "бас", "бес", "пас", "пес"),
    "PAST": ("ды", "ди", "ты", "ти"),
    "PERS_A": ("м", "н", "к", "ныз", "низ", "ндар", "ндер", "ныздар", "низдер"),
    "COND": ("са", "се"),
    # "и" is the й of ASCII Kazakh written as i ("kezdespeimiz"), only after a vowel
    "PRES": ("а", "е", "й", "и"),
    "P3": ("ды", "ди", "ты", "ти"),
    "PRED": (
        "мын", "мин", "бын", "бин", "пын", "пин", "сын", "син", "сыз", "сиз",
        "мыз", "миз", "быз", "биз", "пыз", "пиз", "сындар", "синдер", "сыздар", "сиздер",
    ),
    "PERF": ("ган", "ген", "кан", "кен"),
    "PTCP": (
        "атын", "етин", "йтын", "йтин", "у", "ушы", "уши", "мак", "мек", "бак", "бек",
        "пак", "пек", "макшы", "мекши", "бакшы", "бекши", "пакшы", "пекши",
        "галы", "гели", "калы", "кели",
    ),
    "EVID": ("ыпты", "ипти", "пты", "пти"),
    "OPT": (
        "айын", "ейин", "йын", "йин", "айык", "ейик", "йык", "йик", "алык", "елик", "лык",
        "лик", "ыныз", "иниз", "ныз", "низ", "ындар", "индер", "ндар", "ндер", "еик", "аик",
    ),
    "SHI": ("шы", "ши"),  # "please" after an imperative or an optative: келші, кездесейікші
    "CONV": ("ып", "ип"),
    "DESID": (
        "гым", "гим", "кым", "ким", "гын", "гин", "кын", "кин", "гысы", "гиси", "кысы", "киси",
        "гымыз", "гимиз", "кымыз", "кимиз",
    ),
    "PLUR": ("лар", "лер", "дар", "дер", "тар", "тер"),
    "POSS": ("ым", "им", "ын", "ин", "ымыз", "имиз", "мыз", "миз", "ыныз", "иниз", "ныз", "низ"),
    "POSS3": ("ы", "и", "сы", "си"),
    "CASE": (
        "га", "ге", "ка", "ке", "ны", "ни", "ды", "ди", "ты", "ти", "нын", "нин", "дын", "дин",
        "тын", "тин", "да", "де", "та", "те", "дан", "ден", "тан", "тен", "нан", "нен", "мен",
        "бен", "пен", "менен", "ша", "ше", "дай", "дей", "тай", "тей", "дагы", "деги", "тагы",
        "теги",
    ),
    # case endings after a 3rd person possessive (суретіне, суретін, суретінде, суретінен)
    "CASE3": ("на", "не", "н", "нда", "нде", "ндагы", "ндеги", "нан", "нен"),
}  # fmt: skip
_STEM = "STEM"
# For each class, the classes that may stand just inside it (towards the stem).
_NOUNISH = ("PLUR", "PTCP", "PERF", _STEM)
_INNER: dict[str, tuple[str, ...]] = {
    "NEG": (_STEM,),
    "Q": ("PRED", "P3", "PERS_A", "PAST", "PERF", "PTCP", "EVID", "MAS", "CASE", "POSS"),
    "MAS": (_STEM,),
    "PAST": ("NEG", _STEM),
    "PERS_A": ("PAST", "COND"),
    "COND": ("NEG", _STEM),
    "PRES": ("NEG", _STEM),
    "P3": ("PRES",),
    "PRED": ("PRES", "PERF", "PTCP", "EVID", "MAS", "CASE", "POSS3", "PLUR", _STEM),
    "PERF": ("NEG", _STEM),
    "PTCP": ("NEG", _STEM),
    "EVID": ("NEG", _STEM),
    "OPT": ("NEG", _STEM),
    "SHI": ("OPT", "NEG", _STEM),
    "CONV": (_STEM,),
    "DESID": ("NEG", _STEM),
    "PLUR": ("PTCP", "PERF", _STEM),
    "POSS": _NOUNISH,
    "POSS3": _NOUNISH,
    "CASE": ("POSS", *_NOUNISH),
    "CASE3": ("POSS3",),
}
# Classes that cannot end a word (the present stem "келе" is a converb we do not strip).
_NOT_FINAL = frozenset({"PRES"})
# Classes that a verb chain starts with: on a tie, a reading that starts with one wins.
_VERBAL = frozenset(
    {"NEG", "MAS", "PAST", "COND", "PRES", "PERF", "PTCP", "EVID", "OPT", "CONV", "DESID"}
)
# The tables are written with ы and й; `fold` makes both и (Latin writes i, ı and y for the
# three), so the tables are folded like the words they are compared with.
_SUFFIXES = {name: tuple(dict.fromkeys(map(fold, sufs))) for name, sufs in _SUFFIXES.items()}
# Longest suffix first, so that "-ымыз" is tried before "-мыз".
_BY_CLASS = {name: sorted(sufs, key=len, reverse=True) for name, sufs in _SUFFIXES.items()}


def _words(text: str) -> frozenset[str]:
    return frozenset(fold(text).split())


# Roots kept whole although they end like a suffix (folded): the rule vocabulary and frequent
# words of reports. A reading that reaches one of them wins over a shorter stem.
KK_ROOTS = _words(
    "бала жибер мектеп сурет телефон адам ана аке апа ага кыз ул жигит мугалим "
    "сабак уй кала хабар хабарлама жауап китап дос акша бер кездес корис кел бар "
    "кет кут жаз айт сойле ойна жолык тани ертен бугин кеше кейин сенби жексенби демалыс "
    "тунде кешке танертен сагат аптада интернет инстаграм тикток ватсап видео фото"
)
# Nominal roots: a word on them is a noun ("суретті" is "the picture", not "he pictured"), so
# it has no tense and no negation.
KK_NOUN_ROOTS = _words(
    "бала мектеп сурет телефон адам ана аке апа ага кыз ул жигит мугалим сабак уй кала "
    "хабар хабарлама жауап китап дос акша видео фото"
)


def _phonology_ok(rest: str, suffix: str, name: str) -> bool:
    """Kazakh sound rules that separate look-alike readings: the possessive -ы/-і, -ым/-ың and
    the converb -ып come after a consonant, -сы/-сі after a vowel."""
    last = rest[-1]
    if name == "POSS3" or (name == "POSS" and suffix[0] in "ыи") or name == "CONV":
        return (last not in _VOWELS) == (suffix[0] in "ыи")
    if name == "PRES" and suffix == "и":
        return last in _VOWELS
    return True


# A predicative ending follows a case only when that is the locative: "мектептемін" (I am at
# school); "жолығамыз" is жолығ-а-мыз, not a dative.
_LOCATIVE = frozenset({"да", "де", "та", "те"})  # (no ы or й: fold leaves them)


def _pair_ok(outer: str | None, name: str, suffix: str) -> bool:
    return not (outer == "PRED" and name == "CASE" and suffix not in _LOCATIVE)


def _readings(word: str, outer: str | None) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    """Every (stem, suffixes from the stem outwards) reading of `word`, where the outermost
    suffix (already stripped) is of class `outer` (None: `word` is the whole word)."""
    allowed = _INNER[outer] if outer else tuple(_BY_CLASS)
    found: list[tuple[str, tuple[tuple[str, str], ...]]] = []
    if outer is None or _STEM in allowed:
        found.append((word, ()))
    if outer is not None and word in KK_ROOTS:
        return found
    for name in allowed:
        if name == _STEM or (outer is None and name in _NOT_FINAL):
            continue
        for suffix in _BY_CLASS[name]:
            if not word.endswith(suffix) or len(word) - len(suffix) < KK_MIN_STEM:
                continue
            rest = word[: -len(suffix)]
            if not _phonology_ok(rest, suffix, name) or not _pair_ok(outer, name, suffix):
                continue
            for stem, chain in _readings(rest, name):
                found.append((stem, (*chain, (name, suffix))))
    return found


@functools.lru_cache(maxsize=CACHE)
def kk_analyse(word: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The best reading of a folded Kazakh word: (stem, ((class, suffix), ...) from the stem
    outwards). A stem in `KK_ROOTS` first, then the shortest stem, then a verbal reading
    (triage's Kazakh terms are mostly verbs: "кездестіңбе" is кездес-ті-ң-бе, not a genitive)
    unless the stem is a noun root, then the fewest suffixes."""
    if len(word) <= KK_MIN_STEM or len(word) > KK_MAX_WORD or not word.isalpha():
        return word, ()

    def rank(reading: tuple[str, tuple[tuple[str, str], ...]]) -> tuple[int, int, int, int]:
        stem, chain = reading
        verbal = bool(chain) and chain[0][0] in _VERBAL
        nominal_stem = stem in KK_NOUN_ROOTS
        return (stem not in KK_ROOTS, len(stem), verbal == nominal_stem, len(chain))

    return min(_readings(word, None), key=rank)


def kk_stem(word: str) -> str:
    """The stem of a folded Kazakh word: "кездесейік", "кездеспейміз", "кездескенбіз" → "кездес";
    "суреттеріңді" → "сурет". A word with no suffix it knows comes back whole."""
    return kk_analyse(word)[0]


def _kk_features(word: str, term: str) -> frozenset[str]:
    stem, chain = kk_analyse(word)
    if stem in KK_NOUN_ROOTS or not chain:
        return frozenset()
    # Only suffixes that reach past the term count: a term that is itself negative ("айтпа") or
    # inflected ("келемін") matches its own form without a feature.
    names, beyond, position = [], [], len(stem)
    for name, suffix in chain:
        position += len(suffix)
        names.append(name)
        beyond.append(position > len(term))
    features = set()
    conditional = len(names) > 1 and names[1] == "COND"
    if names[0] in ("NEG", "MAS") and beyond[0] and not conditional:
        # A negative condition is no denial: "жібермесең таратамын" (if you do not send, I will
        # spread them) is the threat itself, "кездеспесек" (unless we meet) a demand.
        features.add("negative")
    head = 1 if names[0] == "NEG" else 0
    if head < len(names) and any(beyond[head:]):
        after = names[head + 1 :]
        if names[head] in ("PAST", "EVID"):
            features.add("past")
        elif names[head] == "PERF" and all(name == "PRED" for name in after):
            # "кездескен", "кездескенбіз": a perfect. With a case ending after it, the
            # participle is a "when" or an "until" ("кездескенде", "кездескенше"): no tense.
            features.add("past")
    return frozenset(features)


# --- Russian -------------------------------------------------------------------------------------

# Past forms, for words pymorphy3 does not know ("встретилися", "встречалася": colloquial).
# (`fold` drops the soft sign: "встречались" is read "встречалис")
_RU_PAST_ENDING = re.compile(r"(?:л|ла|ло|ли|лся|лась|лось|лись|лася|лося|лися|лас|лос|лис|лса)$")


@functools.cache
def _morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


def _ru_features(word: str) -> frozenset[str]:
    analyzer = _morph()
    if not analyzer.word_is_known(word):
        return frozenset({"past"}) if _RU_PAST_ENDING.search(word) else frozenset()
    tag = analyzer.parse(word)[0].tag
    return frozenset({"past"}) if tag.POS == "VERB" and tag.tense == "past" else frozenset()


# --- English -------------------------------------------------------------------------------------

EN_IRREGULAR_PAST = _words(
    "met saw came took sent wrote drove gave got went told said brought bought found left "
    "made rode ran sat spoke thought knew caught kept held stood flew meant paid showed shown "
    "seen taken sent written driven given gotten gone known spoken"
)


def _en_features(word: str, term: str) -> frozenset[str]:
    if word in EN_IRREGULAR_PAST:
        return frozenset({"past"})
    regular = word.endswith("ed") and len(word) > len(term) and not word.endswith("eed")
    return frozenset({"past"}) if regular and len(word) >= 4 else frozenset()


# --- the API the matcher uses --------------------------------------------------------------------


@functools.lru_cache(maxsize=CACHE)
def word_features(word: str, term: str, language: str) -> frozenset[str]:
    """Of {"negative", "past"}, what the narrative word `word` (which begins with the rule term
    `term`; both folded) says, in `language` ("kk", "ru" or "en", the language of the term's list):
    "кездеспейміз" negative, "кездестік"/"кездескенбіз"/"жазыпты" past, "встречались"/"виделись"
    past, "met"/"picked" past; "кездесейік", "кездесеміз", "встретимся", "заберу" nothing. Separate
    negation words ("не", "never", "жоқ", "емес") are the matcher's: see the tables below."""
    if language == "kk":
        return _kk_features(word, term)
    if language == "ru":
        return _ru_features(word)
    if language == "en":
        return _en_features(word, term)
    return frozenset()


_SNOWBALL = {"ru": "russian", "en": "english"}
_VOICED = {"к": "г", "п": "б"}


@functools.cache
def _snowball(language: str):
    return snowballstemmer.stemmer(_SNOWBALL[language])


@functools.lru_cache(maxsize=CACHE)
def _stems(term: str, language: str) -> frozenset[str]:
    term = fold(term).strip()
    if not term or " " in term:
        return frozenset({term})
    if language == "kk":
        stem = kk_stem(term)
    elif language in _SNOWBALL:
        stem = _snowball(language).stemWord(term)
    else:
        stem = term
    prefixes = {term}
    if TERM_MIN_STEM <= len(stem) < len(term) and term.startswith(stem):
        prefixes.add(stem)
    else:
        stem = term
    if language == "kk" and len(stem) >= TERM_MIN_STEM and stem[-1] in _VOICED:
        # Kazakh voices a final к/қ/п before a vowel: жолық → жолығамыз, кітап → кітабы.
        prefixes.add(stem[:-1] + _VOICED[stem[-1]])
    return frozenset(prefixes)


def stem_term(term: str, language: str) -> set[str]:
    """The prefixes a rule term written as a whole word should match: the folded term, and its
    stem when that is at least 4 letters and shorter ("встретиться" → {"встретиться", "встрет"},
    "meeting" → {"meeting", "meet"}, "кездесу" → {"кездесу", "кездес"}). A Kazakh stem (or term)
    ending in к/қ/п also gives its voiced form, which the word takes before a vowel ("жолық" →
    {"жолык", "жолыг"}: жолығамыз). A phrase stays as it is."""
    return set(_stems(term, language))
