"""How a narrative is written, and the forms triage reads it in (issue 20, part 1).

Children in Kazakhstan write Kazakh and Russian in Cyrillic, Kazakh in the official Latin
alphabets (2018 and 2021) or in plain ASCII with the Kazakh letters dropped ("erten kezdesemiz"),
Russian in Latin letters ("translit": "davai vstretimsya zavtra"), English, and all of these mixed,
with repeated letters and emojis. Triage's rules are Cyrillic and English word stems; here a
narrative becomes a few *reading forms* the rules are tested against:

- `fold`: lowercase, NFC, format characters (zero-width, direction marks) removed, invalid
  surrogates replaced, the Kazakh letters children drop folded to their plain forms (қ→к, ғ→г,
  ү/ұ→у, ң→н, ө→о, ә→а, і→и, һ→х) and ё→е, and runs of three or more of the same letter squeezed
  to one ("пожаааалуйста" → "пожалуйста"; runs of two are kept: "Анна", "class", "ссылка" stay
  whole, and a child who doubles a letter once is rare enough). Rule terms are folded the same way.
- `to_cyrillic`: Kazakh Latin or Russian translit mapped to (lowercase) Cyrillic.
- `reading_forms`: the folded text, plus its folded transliteration when it has Latin letters.

Pure functions, no Django. Everything runs in C (regular expressions, `str.translate`) except
one pass over the words of the first `DETECT_CHARS` characters for language detection.
"""

from __future__ import annotations

import re
import unicodedata

DETECT_CHARS = 4000  # language and script are decided on the beginning of a long narrative

# --- fold ----------------------------------------------------------------------------------------

# Chained str.replace (each a C scan) is several times faster than str.translate with a dict.
_FOLD = (
    ("қ", "к"),
    ("ғ", "г"),
    ("ү", "у"),
    ("ұ", "у"),
    ("ң", "н"),
    ("ө", "о"),
    ("ә", "а"),
    ("і", "и"),
    ("һ", "х"),
    ("ё", "е"),
    # translit drops the soft and hard signs ("zhit", "podezd"): folded away on both sides;
    # й/и and ы/и are one letter: Latin writes i, ı and y for all three ("soboi", "moi foto";
    # ı is і in the 2018 Kazakh alphabet and ы in the 2021 one: "jıbermeseñ" жібермесең)
    ("ь", ""),
    ("ъ", ""),
    ("й", "и"),
    ("ы", "и"),
    # look-alikes children's keyboards give for the Kazakh letters
    ("ӊ", "н"),
    ("ҳ", "х"),
    ("ї", "и"),
)
# Zero-width, joiners, direction marks and embeddings, soft hyphen, BOM, word joiner, Arabic mark.
_FORMAT = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
_RUNS = re.compile(r"([^\W\d_])\1{2,}")
_ANY_RUN = re.compile(r"(.)\1\1")  # a cheaper first look


def valid_text(text: str) -> str:
    """The text with lone surrogates (invalid Unicode from a broken client) replaced by U+FFFD."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def fold(text: str) -> str:
    """The text as rules compare it: see the module's docstring. Never raises on a string."""
    text = valid_text(text or "")
    text = unicodedata.normalize("NFC", _FORMAT.sub("", text)).lower()
    for letter, plain in _FOLD:
        text = text.replace(letter, plain)
    return _RUNS.sub(r"\1", text) if _ANY_RUN.search(text) else text


# --- script --------------------------------------------------------------------------------------

_CYRILLIC = re.compile(r"[\u0400-\u04ff\u0500-\u052f]+")
_LATIN = re.compile(r"[a-zA-Z\u00c0-\u024f\u1e00-\u1eff]+")
# Not words of the narrative: links, e-mail addresses, @handles.
_NOT_WORDS = re.compile(r"(?:https?://|www\.)\S+|[^\s@]+@\S+|@\w+", re.IGNORECASE)
MIXED_SHARE = 0.2  # the smaller script has at least a fifth of the letters (and 3 of them)


def _words_only(text: str) -> str:
    """The text without links, addresses and handles (looked for only when one may be there)."""
    lowered = text.lower()
    if "@" in text or "http" in lowered or "www." in lowered:
        return _NOT_WORDS.sub(" ", text)
    return text


def _letters(text: str) -> tuple[int, int]:
    text = _words_only(text[:DETECT_CHARS])
    cyrillic = sum(map(len, _CYRILLIC.findall(text)))
    latin = sum(map(len, _LATIN.findall(text)))
    return cyrillic, latin


def script_of(text: str) -> str:
    """ "cyrillic", "latin", "mixed" or "none" (no Cyrillic or Latin letter: emojis, digits, links,
    other scripts). Links, addresses and @handles are not counted."""
    cyrillic, latin = _letters(valid_text(text or ""))
    if not cyrillic and not latin:
        return "none"
    small = min(cyrillic, latin)
    if small >= 3 and small >= MIXED_SHARE * (cyrillic + latin):
        return "mixed"
    return "cyrillic" if cyrillic > latin else "latin"


# --- language ------------------------------------------------------------------------------------


# Small, hand-picked lists of frequent words that mark a language (folded forms); a word counts
# once per occurrence. Kept short on purpose: they decide between three languages, not more.
def _words(text: str) -> frozenset[str]:
    return frozenset(fold(text).split())


KK_WORDS = _words(
    # Cyrillic (folded: қ→к ...)
    "мен сен ол биз сиз олар жане бул мына деп деди маган саган оган емес жок бар керек "
    "болады кездесемиз кездесейик ертен бугин кеше кейин сабактан уйге аке ана апа ага "
    "калай неге кашан кайда мени сени оны"
    # informal ASCII and Latin Kazakh
    " men sen ol biz siz jane bul dep dedi magan sagan ogan emes jok joq bar kerek bolady "
    "kezdesemiz kezdeseyik kezdesemız erten erteń bugin búgin kesh keyin keıin sabaktan sabaqtan "
    "uyge úıge qalay kalay nege kashan qashan qaida kaida meni seni ony jaz jazdy aitpa aytpa"
)
RU_WORDS = _words(
    "и в не на что я он она мне меня ты с как это а но после завтра сегодня сказал написал "
    "если чтобы только уже его ее у по за к из от бы же"
    " davai davay zavtra posle shkoly shkoli menya mne ty ochen chto kak eto segodnya "
    "on ona ne na skazal napisal vstretimsya vstretimsia privet poka tolko uzhe esli "
    "hochu khochu nikomu"
)
EN_WORDS = _words(
    "the a an and is are was were to of in on at he she they me my you your it this that "
    "with for not will tomorrow after school told said tell don't i'm his her him"
)
# Letters only Kazakh has: in Cyrillic, and in the 2018/2021 Latin alphabets (ä ğ ñ ö ū ü ş ç
# of 2021, á ǵ ń ó ú ý of 2018, ı of both; q is Kazakh Latin's қ, not English before a "u").
KK_CYRILLIC_LETTERS = "әғқңөұүһі"
KK_LATIN_LETTERS = "áǵńóúýäğñöūüşıč"


def kk_letters(text: str) -> int:
    """How many Kazakh-only letters the text has: of `KK_CYRILLIC_LETTERS`, of `KK_LATIN_LETTERS`,
    and q not before u (a C count per letter: several times faster than a regular expression's
    `findall`)."""
    letters = sum(map(text.count, KK_CYRILLIC_LETTERS)) + sum(map(text.count, KK_LATIN_LETTERS))
    return letters + text.count("q") - text.count("qu")


_WORDS = re.compile(r"[\w'’]+")


def language_of(text: str) -> str:
    """ "kk", "ru", "en", "mixed" or "" (nothing to tell by).

    Scores per language: a Kazakh-only letter (Cyrillic or Latin) counts 1 for Kazakh, a word of
    `KK_WORDS`, `RU_WORDS` or `EN_WORDS` counts 1 for its language. The best score wins; when the
    second has at least half of it (and 2 points), the narrative is "mixed". Short Cyrillic text
    with no marker at all is Russian (the most common); Latin text with none is "".
    """
    raw = valid_text(text or "")[:DETECT_CHARS]
    lowered = unicodedata.normalize("NFC", _words_only(raw)).lower()
    scores = {
        "kk": kk_letters(lowered),
        "ru": 0,
        "en": 0,
    }
    for word in _WORDS.findall(fold(lowered)):
        if word in KK_WORDS:
            scores["kk"] += 1
        if word in RU_WORDS:
            scores["ru"] += 1
        if word in EN_WORDS:
            scores["en"] += 1
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    (best, top), (_, second) = ranked[0], ranked[1]
    if top == 0:
        return "ru" if _CYRILLIC.search(lowered) else ""
    if second >= 2 and second * 2 >= top:
        return "mixed"
    return best


# --- to Cyrillic ---------------------------------------------------------------------------------

# Kazakh Latin. The official alphabets: decree No. 569 of 26 October 2017, amended by decree
# No. 637 of 19 February 2018 (á ǵ ı ń ó ú ý, sh, ch: ә ғ и/й ң ө ү у ш ч; y = ы, i = і,
# u = ұ), and the version presented on 28 January 2021 (ä ğ ñ ö ş ç ū ü: ә ғ ң ө ш ч ұ ү;
# i = і, ı = ы, y = у/й). Where the two disagree we follow 2021 (ı = ы), and 2018 for letters
# 2021 does not have (ý = у, ú = ү; ұ and ү fold to у anyway). Informal ASCII Kazakh drops the
# diacritics: g, k, u, o, a, n stand for ғ/г, қ/к, ұ/ү/у, ө/о, ә/а, ң/н (fold makes them equal);
# sh = ш, zh and j = ж, kh and h = х, ch = ч, ng = ң, gh = ғ, i = і (folded to и), y = ы or й
# (by context below).
_KK_DIGRAPHS = {
    "sh": "ш", "ch": "ч", "zh": "ж", "kh": "х", "ts": "ц", "ya": "я", "yu": "ю",
    "ng": "ң", "gh": "ғ",  # informal: "jalangash" жалаңаш, "mening" менің, "saghat" сағат
    "ıa": "я", "ıý": "ю", "ıu": "ю",  # 2018: я and ю are written ıa, ıý
}  # fmt: skip
_KK_LETTERS = (
    {
        "a": "а", "á": "ә", "ä": "ә", "b": "б", "c": "с", "d": "д", "e": "е", "f": "ф",
        "g": "г", "ǵ": "ғ", "ğ": "ғ", "h": "х", "i": "і", "ı": "ы", "j": "ж", "k": "к",
        "l": "л", "m": "м", "n": "н", "ń": "ң", "ñ": "ң", "o": "о", "ó": "ө", "ö": "ө",
        "p": "п", "q": "қ", "r": "р", "s": "с", "ş": "ш", "t": "т", "u": "у", "ú": "ү",
        "ü": "ү", "ū": "ұ", "v": "в", "w": "у", "x": "х", "y": "ы", "ý": "у", "z": "з",
        "ç": "ч", "č": "ч", "í": "і",
    }
)  # fmt: skip
# Russian translit: GOST 7.79-B / ICAO-like spellings and the chat ones (j for й, ja/ju/jo, ' for ь).
_RU_DIGRAPHS = {
    "tsya": "тся", "tsia": "тся", "shch": "щ", "sch": "щ", "zh": "ж", "ch": "ч", "sh": "ш", "kh": "х", "ts": "ц",
    "ya": "я", "ja": "я", "ia": "я", "yu": "ю", "ju": "ю", "iu": "ю", "yo": "ё", "jo": "ё",
    "ye": "е", "je": "е", "ck": "к", "x": "кс", "w": "в", "'": "ь", "’": "ь",
}  # fmt: skip
_RU_LETTERS = (
    {
        "a": "а", "b": "б", "c": "ц", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "х",
        "i": "и", "j": "й", "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п",
        "q": "к", "r": "р", "s": "с", "t": "т", "u": "у", "v": "в", "y": "ы", "z": "з",
        "é": "е", "ë": "ё",
    }
)  # fmt: skip
_VOWELS = "aeiouáäéıíóöúüūýаеёиоуыэюяәөұүі"
# y after a vowel (not before one) and y before a vowel is й: "moy", "davay", "keyin", "yaz";
# after a consonant it is ы: "shkoly", "bolady", "ty".
_Y_SEMIVOWEL = re.compile(f"(?<=[{_VOWELS}])y(?![{_VOWELS}])|y(?=[{_VOWELS}])")
# 2018's ı is и/й, 2021's is ы: next to a vowel it is read й ("keıin" кейін), else ы ("qyz").
# In translit "ye" after a consonant is ые ("golye" голые, "novye" новые, "vyehat" выехать); at a
# word's start or after a vowel it is е ("yesli", "moye": the digraphs).
_RU_YE = re.compile(r"(?<=[bcdfghklmnprstvxz])ye")
_I_SEMIVOWEL = re.compile(f"(?<=[{_VOWELS}])ı|ı(?=[{_VOWELS}])")
# In informal ASCII Kazakh "i" after another vowel and before a consonant is й: "kelmeidi"
# келмейді, "aitpa" айтпа, "uige" үйге ("tiise" тиісе and "keiin" keep і).
_I_AFTER_VOWEL = re.compile("(?<=[aeouyáäóöúüūı])i(?![aeiouyáäóöúüūı])")


def _replace_all(text: str, table: dict[str, str]) -> str:
    """Each key of `table` replaced, longest first ("shch" before "sh"). Chained str.replace:
    a C scan per key, several times faster than a regular expression calling back per match or
    str.translate with a dict (the replacements are Cyrillic: no later key matches them)."""
    for key in sorted(table, key=len, reverse=True):
        if key in text:
            text = text.replace(key, table[key])
    return text


def to_cyrillic(text: str, language: str) -> str:
    """The text in lowercase Cyrillic: Kazakh Latin (`language` "kk") or Russian translit (any
    other); Cyrillic and other characters are kept. Made to reach the stems rules use, not to
    be read by people."""
    text = unicodedata.normalize("NFC", valid_text(text or "")).lower()
    if language == "kk":
        text = _replace_all(text, _KK_DIGRAPHS)
        text = _I_SEMIVOWEL.sub("й", _Y_SEMIVOWEL.sub("й", text))
        text = _I_AFTER_VOWEL.sub("й", text)
        return _replace_all(text, _KK_LETTERS)
    text = _replace_all(_RU_YE.sub("ые", text), _RU_DIGRAPHS)
    return _replace_all(_Y_SEMIVOWEL.sub("й", text), _RU_LETTERS)


# --- reading forms -------------------------------------------------------------------------------

_HAS_LATIN = re.compile(r"[a-zA-Z\u00c0-\u024f]")


def reading_forms(text: str) -> list[str]:
    """The reading forms of a text, normalised to words: folded, and read in Cyrillic by the
    Kazakh map, the Russian one or both when it has Latin words (none when it is plainly
    English). Built word by word with a cache by `textread.read_forms`; this is its plain view."""
    from qorgau.intake.textread import read_forms

    return [form.strip() for form in read_forms(text).texts]
