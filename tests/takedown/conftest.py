import itertools

import pytest
from django.utils import timezone

from qorgau.cases.models import Case, Prosecutor
from qorgau.intake import services as intake
from qorgau.intake.enums import Source
from qorgau.intake.models import Evidence
from qorgau.takedown import services
from qorgau.takedown.services import RequestInput

_numbers = itertools.count(1)

TARGETS = "https://t.me/synthetic_groomer_channel\n@synthetic_groomer"


def submit(region="KZ-75", **overrides):
    values = {
        "category": "sextortion",
        "narrative": "Synthetic: he asks her for pictures.",
        "region_code": region,
    }
    values.update(overrides)
    return intake.report_submit(
        draft=intake.ReportDraft(**values), submitter=intake.Submitter(source=Source.WEB)
    ).report


def evidence(report, sha256, **extra):
    """An evidence file of which only the hash was sent (no content on disk)."""
    return Evidence.objects.create(report=report, sha256=sha256, content_type="image/png", **extra)


def draft(user, report, *, kind="preservation", platform="telegram", targets=TARGETS, **fields):
    return services.takedown_from_report(
        acting_user=user,
        report=report,
        data=RequestInput(platform=platform, kind=kind, targets=targets, **fields),
    )


@pytest.fixture
def report(almaty):
    return submit()


@pytest.fixture
def other_report(astana):
    return submit(region="KZ-71")


@pytest.fixture
def held_case(report, prosecutor):
    """A case opened on `report`, held by the prosecutor persona."""
    holder = Prosecutor.objects.create(user=prosecutor)
    return Case.objects.create(
        registry_number=f"2026-75-{next(_numbers):06d}",
        region=report.region,
        opened_on=timezone.localdate(),
        prosecutor=holder,
        report=report,
    )
