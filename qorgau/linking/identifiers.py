"""Identifiers of a person, from structured fields and from free text, normalised per platform.

A normalised identifier is a (kind, value) pair: `phone:+77011234567`, `telegram:some_name`,
`email:a@b.kz`, `url:example.com/page`. Whatever cannot be normalised is kept as written (trimmed,
lowercased) with `normalised=False`: flagged, never dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

import phonenumbers
from django.utils.translation import gettext_lazy as _

PHONE = "phone"
EMAIL = "email"
URL = "url"
NAME = "name"
HANDLE = "handle"  # an @name whose platform the text does not say
OTHER = "other"
# An evidence file, by its hash (issue 22): the same file sent with two reports links them.
SHA256 = "sha256"
MD5 = "md5"
FILE_KINDS = (SHA256, MD5)
HEX_LENGTH = {SHA256: 64, MD5: 32}
PLATFORMS = ["telegram", "instagram", "tiktok", "whatsapp", "vk", "snapchat", "discord", "youtube"]
KINDS = [PHONE, EMAIL, URL, NAME, HANDLE, OTHER, *FILE_KINDS, *PLATFORMS]

# The kinds that link reports to one subject automatically. Names never do: an analyst confirms.
LINKING_KINDS = frozenset([PHONE, EMAIL, URL, *FILE_KINDS, *PLATFORMS])

# What staff pages call each kind (platform names are names, the same in every language).
KIND_LABELS = {
    PHONE: _("Phone"),
    EMAIL: _("E-mail"),
    URL: _("Another site (link)"),
    NAME: _("Name"),
    HANDLE: _("Handle (@name), platform not said"),
    OTHER: _("Other"),
    SHA256: _("The same file (SHA-256)"),
    MD5: _("The same file (MD5)"),
    "telegram": "Telegram",
    "instagram": "Instagram",
    "tiktok": "TikTok",
    "whatsapp": "WhatsApp",
    "vk": "VK",
    "snapchat": "Snapchat",
    "discord": "Discord",
    "youtube": "YouTube",
}


@dataclass(frozen=True)
class Found:
    kind: str
    value: str
    normalised: bool = True
    origin: str = "field"  # "field": given as such; "text": found in a narrative

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.value}"


# --- Phones ---------------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def normalise_phone(text: str) -> str | None:
    """E.164 for any Kazakh way of writing a number: 8 701 …, +7 (701) …, 8(701)…, 7701…, 701…;
    None when it is not a valid number. Qorgau's one phone normaliser: identifiers here, and the
    Red Button's phones (the reporter's, the other person's), which keep what was typed when this
    says None (`intake.services.drafts.phone_as_given`)."""
    digits = re.sub(r"\D", "", text)
    candidates = [text]
    if len(digits) == 11 and digits[0] in "78":
        candidates.insert(0, "+7" + digits[1:])
    elif len(digits) == 10 and digits[0] in "67":
        candidates.insert(0, "+7" + digits)
    for candidate in candidates:
        try:
            number = phonenumbers.parse(candidate, "KZ")
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None


# --- Platform handles and profile links -----------------------------------------------------------

HANDLE_RE = re.compile(r"^@?([A-Za-z0-9_.]{2,64})$")

# host (without www./m.) -> (kind, path pattern whose first group is the handle)
PROFILE_LINKS: list[tuple[re.Pattern, str]] = [
    (
        re.compile(r"^(?:t\.me|telegram\.me|telegram\.dog)/(?:s/)?@?([A-Za-z0-9_]{4,64})"),
        "telegram",
    ),
    (re.compile(r"^instagram\.com/([A-Za-z0-9_.]{1,30})"), "instagram"),
    (re.compile(r"^(?:tiktok\.com|vm\.tiktok\.com)/@([A-Za-z0-9_.]{2,64})"), "tiktok"),
    (re.compile(r"^(?:vk\.com|vk\.ru|vkontakte\.ru)/([A-Za-z0-9_.]{2,64})"), "vk"),
    (re.compile(r"^(?:snapchat\.com/add|snapchat\.com/@)/?([A-Za-z0-9_.\-]{2,64})"), "snapchat"),
    (re.compile(r"^(?:discord\.com|discordapp\.com)/users/(\d{5,25})"), "discord"),
    (re.compile(r"^youtube\.com/(?:@|c/|user/|channel/)([A-Za-z0-9_.\-]{2,100})"), "youtube"),
    (re.compile(r"^youtu\.be/@([A-Za-z0-9_.\-]{2,100})"), "youtube"),
]
WHATSAPP_LINK = re.compile(r"^(?:wa\.me|api\.whatsapp\.com/send/?\?phone=)/?\+?(\d{7,15})")
RESERVED = {
    "instagram": {"p", "reel", "reels", "explore", "stories", "accounts", "direct", "tv"},
    "vk": {"feed", "im", "wall", "id", "photo", "video", "club", "public", "login", "away.php"},
    "telegram": {"joinchat", "share", "addstickers", "proxy", "iv", "c"},
}


def _strip_url(text: str) -> tuple[str, str] | None:
    """(host without www./m., path+query) of a link written with or without a scheme."""
    raw = text.strip()
    if not re.match(r"^[a-z][a-z0-9+.\-]*://", raw, re.I):
        raw = "https://" + raw
    try:
        parts = urlsplit(raw)
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if "." not in host:
        return None
    for prefix in ("www.", "m.", "mobile."):
        if host.startswith(prefix):
            host = host[len(prefix) :]
    path = parts.path
    if parts.query:
        path += "?" + parts.query
    return host, path


def profile_from_link(text: str) -> Found | None:
    """A platform handle from a profile link (t.me/name, instagram.com/name/ …), else a plain URL."""
    split = _strip_url(text)
    if split is None:
        return None
    host, path = split
    target = f"{host}{path}"
    whatsapp = WHATSAPP_LINK.match(target)
    if whatsapp:
        phone = normalise_phone("+" + whatsapp.group(1))
        if phone:
            return Found(PHONE, phone)
    for pattern, kind in PROFILE_LINKS:
        match = pattern.match(target)
        if match:
            handle = match.group(1).lower().rstrip(".")
            if handle in RESERVED.get(kind, set()):
                break
            return Found(kind, handle)
    # any other link: host and path, without tracking parameters or a trailing slash
    clean_path = path.split("?", 1)[0].rstrip("/")
    return Found(URL, f"{host}{clean_path}")


def normalise_handle(kind: str, text: str) -> Found:
    """A handle given for a platform: `@Name`, `name`, or a profile link; lowercased."""
    value = text.strip()
    if "/" in value or value.lower().startswith(("http", "www.")):
        found = profile_from_link(value)
        if found is not None and found.kind in (kind, PHONE):
            return found
    if kind == "whatsapp":
        phone = normalise_phone(value)
        if phone:
            return Found(PHONE, phone)
    if kind == "discord":
        value = re.sub(r"#0$", "", value)  # the old discriminator of migrated accounts
    match = HANDLE_RE.match(value)
    if match:
        return Found(kind, match.group(1).lower().rstrip("."))
    return Found(kind, value.lower(), normalised=False)


# --- One identifier given in a field --------------------------------------------------------------


def normalise(kind: str, value: str) -> Found:
    """Normalise one identifier of a known kind; what cannot be normalised is kept and flagged."""
    text = (value or "").strip()
    if kind == PHONE:
        phone = normalise_phone(text)
        return Found(PHONE, phone) if phone else Found(PHONE, text.lower(), normalised=False)
    if kind == EMAIL:
        email = text.lower()
        if re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", email):
            return Found(EMAIL, email)
        return Found(EMAIL, email, normalised=False)
    if kind == URL:
        found = profile_from_link(text)
        return found if found else Found(URL, text.lower(), normalised=False)
    if kind in PLATFORMS:
        return normalise_handle(kind, text)
    if kind in FILE_KINDS:
        return file_hash(kind, text)
    if kind == NAME:
        return Found(NAME, " ".join(text.split()).lower())
    return Found(OTHER if kind not in KINDS else kind, text.lower(), normalised=kind != OTHER)


def file_hash(kind: str, text: str) -> Found:
    """A file's hash as hex (any case, spaces or colons between the bytes, as tools print them);
    one of another length or with other characters is kept as written and flagged."""
    value = re.sub(r"[\s:]", "", text).lower()
    if len(value) == HEX_LENGTH[kind] and re.fullmatch(r"[0-9a-f]+", value):
        return Found(kind, value)
    return Found(kind, text.strip().lower(), normalised=False)  # kept as written


def of_file(*, sha256: str, md5: str = "") -> list[Found]:
    """The identifiers of an evidence file: its SHA-256 and, when its content was received, MD5."""
    found = [file_hash(SHA256, sha256)] if sha256 else []
    if md5:
        found.append(file_hash(MD5, md5))
    return [Found(f.kind, f.value, f.normalised, origin="file") for f in found if f.normalised]


def parse_query(text: str) -> Found | None:
    """`KIND:VALUE` as a person would type it (`telegram:@Some_Name`, `phone:8 701 …`)."""
    if ":" not in text:
        return None
    kind, _, value = text.partition(":")
    kind = kind.strip().lower()
    if kind not in KINDS or not value.strip():
        return None
    if kind == URL and value.startswith("//"):
        value = "https:" + value
    return normalise(kind, value)


# --- Free text ------------------------------------------------------------------------------------

EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
LINK_RE = re.compile(
    r"(?:https?://|www\.)[^\s<>\"')\]]+|"
    r"\b(?:t\.me|telegram\.me|instagram\.com|tiktok\.com|vk\.com|vk\.ru|wa\.me|snapchat\.com|"
    r"discord\.com|youtube\.com|youtu\.be)/[^\s<>\"')\]]+",
    re.I,
)
AT_HANDLE_RE = re.compile(r"(?<![\w@.])@([A-Za-z0-9_.]{3,64})\b")
# Words near an @name that say which platform it is on (kk/ru/en, common spellings).
PLATFORM_WORDS = {
    "telegram": ["telegram", "телеграм", "телеграмм", "телега", "тг", "tg"],
    "instagram": ["instagram", "инстаграм", "инстаграмм", "инста", "insta", "инст"],
    "tiktok": ["tiktok", "тикток", "тик-ток", "tik tok"],
    "vk": ["vk", "вк", "вконтакте", "vkontakte"],
    "snapchat": ["snapchat", "снапчат", "снэпчат", "snap"],
    "discord": ["discord", "дискорд"],
    "youtube": ["youtube", "ютуб", "ютюб"],
    "whatsapp": ["whatsapp", "ватсап", "вотсап", "уатсап", "вацап"],
}


def _platform_near(text: str, start: int) -> str | None:
    window = text[max(0, start - 40) : start].lower()
    best, best_pos = None, -1
    for kind, words in PLATFORM_WORDS.items():
        for word in words:
            pos = window.rfind(word)
            if pos > best_pos:
                best, best_pos = kind, pos
    return best


def extract_from_text(text: str) -> list[Found]:
    """Phones, e-mails, links and @handles in a narrative, normalised."""
    found: list[Found] = []
    if not text:
        return found
    consumed: list[tuple[int, int]] = []
    for match in LINK_RE.finditer(text):
        link = match.group(0).rstrip(".,;:!?")
        item = profile_from_link(link)
        if item is not None:
            found.append(Found(item.kind, item.value, item.normalised, origin="text"))
            consumed.append(match.span())
    for match in EMAIL_RE.finditer(text):
        found.append(Found(EMAIL, match.group(0).lower(), origin="text"))
        consumed.append(match.span())
    for number in phonenumbers.PhoneNumberMatcher(
        text, "KZ", leniency=phonenumbers.Leniency.POSSIBLE
    ):
        if any(a <= number.start < b for a, b in consumed):
            continue
        phone = normalise_phone(number.raw_string)
        if phone:
            found.append(Found(PHONE, phone, origin="text"))
            consumed.append((number.start, number.end))
    for match in AT_HANDLE_RE.finditer(text):
        if any(a <= match.start() < b for a, b in consumed):
            continue
        kind = _platform_near(text, match.start()) or HANDLE
        found.append(Found(kind, match.group(1).lower().rstrip("."), origin="text"))
    return unique(found)


def unique(items: list[Found]) -> list[Found]:
    seen: dict[str, Found] = {}
    for item in items:
        existing = seen.get(item.key)
        if existing is None or (existing.origin == "text" and item.origin == "field"):
            seen[item.key] = item
    return list(seen.values())
