"""Demo data of the Red Button: obviously synthetic reports, through the real pipeline."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from qorgau.intake import services
from qorgau.intake.enums import Category, ReporterRelation, Source
from qorgau.intake.models import Platform, Report

DEMO_PLATFORM = "Demo Platform"

NARRATIVES = {
    "ru": {
        Category.GROOMING: "[ДЕМО] Взрослый пишет мне в игре, дарит подарки и просит никому не говорить.",
        Category.SUSPICIOUS_CONTACT: "[ДЕМО] Незнакомец в Instagram зовёт встретиться завтра после школы.",
        Category.SEXTORTION: "[ДЕМО] Требует деньги, иначе разошлёт мои фото одноклассникам.",
        Category.ABUSE: "[ДЕМО] Синтетическое описание: сосед трогал ребёнка, ребёнок боится.",
        Category.ABUSE_IMAGES: "[ДЕМО] В канале выкладывают фото детей, ссылка ниже.",
        Category.OTHER: "[ДЕМО] Хочу спросить, как защитить сына в интернете.",
    },
    "kk": {
        Category.GROOMING: "[ДЕМО] Бір ересек адам ойында маған жазып, ешкімге айтпа дейді.",
        Category.SUSPICIOUS_CONTACT: "[ДЕМО] Таныс емес адам ертең сабақтан кейін кездесейік дейді.",
        Category.SEXTORTION: "[ДЕМО] Ақша бермесем, суреттерімді таратамын деп қорқытады.",
        Category.ABUSE: "[ДЕМО] Синтетикалық сипаттама: бала қорқып жүр.",
        Category.ABUSE_IMAGES: "[ДЕМО] Арнада балалардың суреттері жарияланады.",
        Category.OTHER: "[ДЕМО] Баламды интернетте қалай қорғауға болады?",
    },
    "en": {
        Category.GROOMING: "[DEMO] An adult in a game chats with me, sends gifts, says keep it secret.",
        Category.SUSPICIOUS_CONTACT: "[DEMO] A stranger on Instagram wants to meet tomorrow after school.",
        Category.SEXTORTION: "[DEMO] He wants money or he will send my photos to my class.",
        Category.ABUSE: "[DEMO] Synthetic description: a child is afraid of a neighbour.",
        Category.ABUSE_IMAGES: "[DEMO] A channel posts pictures of children; link below.",
        Category.OTHER: "[DEMO] How do I protect my son online?",
    },
}

REGIONS = ["KZ-75", "KZ-75", "KZ-75", "KZ-71", "KZ-79", "KZ-19", "KZ-35", None]


def seed(*, rng: random.Random, count: int = 40) -> list[str]:
    """Synthetic reports across categories and regions, and a platform token to try the API."""
    lines: list[str] = []
    if not Platform.objects.filter(name=DEMO_PLATFORM).exists():
        _row, token = services.platform_token_create(acting_user=None, platform_name=DEMO_PLATFORM)
        lines.append(f"# platform API token ({DEMO_PLATFORM}): {token}")
    if Report.objects.exists():
        return lines
    platform = Platform.objects.get(name=DEMO_PLATFORM)
    now = timezone.now()
    for n in range(count):
        language = rng.choice(["ru", "ru", "kk", "en"])
        category = rng.choice(list(Category))
        # most people appear once; three appear in several reports (so subjects and raises show)
        handle = f"demo_repeat_{rng.randint(1, 3)}" if rng.random() < 0.25 else f"demo_user_{n:03d}"
        draft = services.ReportDraft(
            category=category,
            narrative=NARRATIVES[language][category],
            language=language,
            region_code=rng.choice(REGIONS),
            occurred_at=now - timedelta(hours=rng.randint(1, 24 * 60)),
            child_age=rng.choice([None, *range(7, 18)]),
            child_gender=rng.choice([None, "f", "m"]),
            reporter_relation=rng.choice(
                [ReporterRelation.CHILD, ReporterRelation.PARENT, ReporterRelation.TEACHER]
            ),
            identifiers=[services.Identifier(kind="telegram", value=f"@{handle}")],
        )
        source = Source.PLATFORM if n % 5 == 0 else Source.WEB
        submitter = services.Submitter(source=source, platform=platform if n % 5 == 0 else None)
        services.report_submit(draft=draft, submitter=submitter)
    return lines
