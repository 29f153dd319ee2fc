"""Reference data shipped with Qorgau (qorgau/core/data/*.csv, copied from the programme's sources).

Loaded by a data migration; never read from outside the project and never fetched from the network.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"

HELPLINE_AUDIENCE = {"children": "children", "families": "families", "emergency": "emergency"}


def read_csv(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_reference_data(region_model: Any, article_model: Any, helpline_model: Any) -> None:
    """Create or refresh the regions, articles and helplines (idempotent; models may be historical)."""
    for row in read_csv("regions.csv"):
        region_model.objects.update_or_create(
            code=row["code"],
            defaults={
                "name_kk": row["name_kk"],
                "name_ru": row["name_ru"],
                "name_en": row["name_en"],
                "kind": row["type"],
                "centre_en": row["centre_en"],
            },
        )
    for row in read_csv("criminal_code.csv"):
        article_model.objects.update_or_create(
            number=row["article"],
            defaults={
                "title_kk": row["title_kk"],
                "title_ru": row["title_ru"],
                "title_en": row["title_en"],
                "covered_by_default": row["covered_by_default"].strip().lower() == "yes",
            },
        )
    for position, row in enumerate(read_csv("helplines.csv")):
        helpline_model.objects.update_or_create(
            number=row["number"],
            defaults={
                "name_kk": row["name_kk"],
                "name_ru": row["name_ru"],
                "name_en": row["name_en"],
                "hours": row["hours"],
                "audience": HELPLINE_AUDIENCE[row["for"]],
                "position": position,
            },
        )
