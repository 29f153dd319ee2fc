"""Large synthetic data, fast: `manage.py generate --reports N --cases N --offenders N`.

For benchmarks and capacity tests, never for production. Every value is obviously synthetic
("Synthetic person 000123", narratives that say they were generated); nothing resembles a real
name, phone or IIN. Rows are written in batches (BATCH rows, one transaction each): COPY on
PostgreSQL (psycopg's `cursor.copy`), `bulk_create` on SQLite. Each row's values come from the
model's own fields (`pre_save` + `get_db_prep_save`), so what is stored is what the application
would store. Encrypted fields are genuinely encrypted under the active master key, with one data
key per batch (`crypto.BatchEncryptor`: each value its own nonce, the wrapped key in every value,
so they read and rotate like any other). Each batch appends one audit entry in its transaction
(`synthetic.generate`, the table, the rows and the id range): the audit chain stays valid. The
analytics daily counts are refilled over the generated period at the end.

Not generated: report events, identifiers and subjects (linking), name-search entries, receipts.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from qorgau.analytics.services import fill_report_counts
from qorgau.cases.enums import Stage, UnassignedReason
from qorgau.cases.models import Case, Victim
from qorgau.core.crypto import BatchEncryptor
from qorgau.core.fields import Ciphertext, EncryptedField
from qorgau.core.models import CriminalArticle, Region, new_public_id
from qorgau.core.services import audit_append
from qorgau.intake.enums import Category, ChildGender, Priority, ReporterRelation, Source, Status
from qorgau.intake.models import Report
from qorgau.offenders.enums import PersonStatus
from qorgau.offenders.models import Conviction, Facility, Person

BATCH = 10_000
SPAN_DAYS = 730
AUDIT_ACTION = "synthetic.generate"
COVERED_ARTICLES = ["120", "121", "122", "123", "124"]

PRIORITY_WEIGHTS = [(Priority.P1, 5), (Priority.P2, 20), (Priority.P3, 45), (Priority.P4, 30)]
CATEGORY_WEIGHTS = [
    (Category.GROOMING, 35),
    (Category.SUSPICIOUS_CONTACT, 20),
    (Category.SEXTORTION, 15),
    (Category.ABUSE, 15),
    (Category.ABUSE_IMAGES, 10),
    (Category.OTHER, 5),
]
STAGE_WEIGHTS = [
    (Stage.PRETRIAL, 35),
    (Stage.IN_COURT, 20),
    (Stage.CONVICTED, 30),
    (Stage.ACQUITTED, 5),
    (Stage.CLOSED, 10),
]
# Almaty, Astana and Shymkent weigh more, as their populations do.
REGION_WEIGHTS = {"KZ-75": 10, "KZ-71": 8, "KZ-79": 6}


@dataclass
class GenerateStats:
    reports: int = 0
    cases: int = 0
    victims: int = 0
    offenders: int = 0
    convictions: int = 0
    audit_entries: int = 0
    daily_counts: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


Progress = Callable[[str, int, int], None]  # (what, rows done in this step, total of the step)


def _weighted(rng: random.Random, pairs: Sequence[tuple[Any, int]]) -> Callable[[], Any]:
    values = [v for v, _ in pairs]
    cum = []
    total = 0
    for _, w in pairs:
        total += w
        cum.append(total)

    def draw() -> Any:
        return rng.choices(values, cum_weights=cum)[0]

    return draw


class _Batch:
    """One batch: its own data key, its rows, one audit entry."""

    def __init__(self) -> None:
        self.encryptor = BatchEncryptor()

    def seal(self, model: type[models.Model], name: str, value: Any) -> Ciphertext | None:
        if value is None:
            return None
        f = model._meta.get_field(name)
        assert isinstance(f, EncryptedField)
        return Ciphertext(self.encryptor.encrypt(f.encode_plain(value), aad=f.aad))


def _write(model: type[models.Model], rows: Sequence[models.Model], *, need_ids: bool) -> None:
    """Insert `rows` (unsaved instances): COPY on PostgreSQL, bulk_create elsewhere. With
    `need_ids` the instances get their primary keys (drawn from the table's sequence for COPY)."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(rows, batch_size=500)
        return
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not (f.primary_key and not need_ids)]
    with connection.cursor() as cursor:
        if need_ids:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(rows)],
            )
            for row, (pk,) in zip(rows, cursor.fetchall(), strict=True):
                row.pk = pk
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        table = connection.ops.quote_name(meta.db_table)
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(
                    [f.get_db_prep_save(f.pre_save(row, True), connection) for f in fields]
                )


def _audit(table: str, rows: Sequence[models.Model], stats: GenerateStats) -> None:
    audit_append(
        actor=None,
        action=AUDIT_ACTION,
        object_type=table,
        object_id=f"{rows[0].pk}-{rows[-1].pk}" if rows[0].pk else "",
        details={"rows": len(rows), "synthetic": True},
    )
    stats.audit_entries += 1


def _batches(total: int, size: int) -> Iterable[tuple[int, int]]:
    for start in range(0, total, size):
        yield start, min(start + size, total)


class Generator:
    def __init__(
        self, *, seed: int | None, batch_size: int, span_days: int, progress: Progress | None
    ) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
        self.batch_size = batch_size
        self.span_days = span_days
        self.progress = progress or (lambda what, done, total: None)
        self.now = timezone.now()
        self.today = timezone.localdate()
        regions = list(Region.objects.order_by("code"))
        if not regions:
            raise ValueError("no regions: run `manage.py migrate` first (it loads them)")
        self.regions = regions
        self.region_draw = _weighted(
            self.rng, [(r, REGION_WEIGHTS.get(r.code, 4)) for r in regions]
        )
        self.articles = {
            a.number: a for a in CriminalArticle.objects.filter(number__in=COVERED_ARTICLES)
        }
        self.priority = _weighted(self.rng, PRIORITY_WEIGHTS)
        self.category = _weighted(self.rng, CATEGORY_WEIGHTS)
        self.stage = _weighted(self.rng, STAGE_WEIGHTS)
        self.hours = settings.QORGAU_RESPONSE_HOURS
        self.stats = GenerateStats()

    def _moment(self) -> datetime:
        return self.now - timedelta(seconds=self.rng.randrange(self.span_days * 86400))

    # --- reports -----------------------------------------------------------------------------

    def reports(self, total: int) -> None:
        started = time.monotonic()
        sources, relations = Source.values, ReporterRelation.values
        languages = ["kk", "ru", "en"]
        for lo, hi in _batches(total, self.batch_size):
            batch = _Batch()
            rows = []
            for n in range(lo, hi):
                created = self._moment()
                priority = self.priority()
                region = None if self.rng.random() < 0.05 else self.region_draw()
                acted = self.rng.random() < 0.5
                first_action = (
                    min(created + timedelta(minutes=self.rng.expovariate(1 / 600)), self.now)
                    if acted
                    else None
                )
                roll = self.rng.random()
                status = (
                    Status.RECEIVED
                    if not acted
                    else Status.IN_REVIEW
                    if roll < 0.2
                    else Status.REFERRED
                    if roll < 0.5
                    else Status.CLOSED
                )
                rows.append(
                    Report(
                        created_at=created,
                        public_id=new_public_id(),
                        source=self.rng.choice(sources),
                        category=self.category(),
                        reporter_relation=self.rng.choice(relations),
                        language=self.rng.choice(languages),
                        region=region,
                        occurred_at=created - timedelta(hours=self.rng.randrange(72)),
                        child_age=self.rng.randint(5, 17),
                        child_gender=self.rng.choice(ChildGender.values),
                        narrative=batch.seal(
                            Report,
                            "narrative",
                            f"SYNTHETIC TEST REPORT {n + 1:09d}: generated by manage.py generate "
                            "for load tests. Not a real event; no real person is described.",
                        ),
                        location=batch.seal(
                            Report, "location", {"town": f"Synthetic town {n % 97:02d}"}
                        ),
                        suspect=batch.seal(
                            Report, "suspect", {"name": f"Synthetic suspect {n + 1:09d}"}
                        ),
                        reporter_anonymous=True,
                        priority=priority,
                        priority_reasons=[],
                        respond_by=created + timedelta(hours=self.hours[priority]),
                        first_action_at=first_action,
                        status=status,
                        status_changed_at=first_action,
                        close_reason="resolved" if status == Status.CLOSED else "",
                        referred_to="police" if status == Status.REFERRED else "",
                    )
                )
            with transaction.atomic():
                _write(Report, rows, need_ids=True)
                _audit(Report._meta.db_table, rows, self.stats)
            self.stats.reports += len(rows)
            self.progress("reports", hi - lo, total)
        self.stats.seconds["reports"] = round(time.monotonic() - started, 3)

    # --- cases -------------------------------------------------------------------------------

    def cases(self, total: int) -> None:
        started = time.monotonic()
        covered = [self.articles[n] for n in COVERED_ARTICLES if n in self.articles]
        through = Case.articles.through
        prefix = new_public_id()[:6].upper()
        for lo, hi in _batches(total, self.batch_size):
            batch = _Batch()
            cases: list[Case] = []
            for n in range(lo, hi):
                opened = self.today - timedelta(days=self.rng.randrange(self.span_days))
                stage = self.stage()
                court = verdict = None
                if stage in (Stage.IN_COURT, Stage.CONVICTED, Stage.ACQUITTED):
                    court = min(opened + timedelta(days=self.rng.randint(20, 120)), self.today)
                if stage in (Stage.CONVICTED, Stage.ACQUITTED, Stage.CLOSED):
                    verdict = min(opened + timedelta(days=self.rng.randint(60, 260)), self.today)
                cases.append(
                    Case(
                        created_at=self.now,
                        public_id=new_public_id(),
                        registry_number=f"SYN-{prefix}-{n + 1:09d}",
                        region=self.region_draw(),
                        stage=stage,
                        opened_on=opened,
                        sent_to_court_on=court,
                        verdict_on=verdict,
                        # In the chiefs' queues (no prosecutor): a chief or `tick` assigns them.
                        unassigned_reason=UnassignedReason.RETURNED,
                    )
                )
            with transaction.atomic():
                _write(Case, cases, need_ids=True)
                links, victims = [], []
                for case in cases:
                    if covered:
                        first = self.rng.choice(covered)
                        links.append(through(case_id=case.pk, criminalarticle_id=first.pk))
                        if self.rng.random() < 0.2:
                            second = self.rng.choice(covered)
                            if second.pk != first.pk:
                                links.append(through(case_id=case.pk, criminalarticle_id=second.pk))
                    for v in range(2 if self.rng.random() < 0.05 else 1):
                        victims.append(
                            Victim(
                                case_id=case.pk,
                                age=self.rng.randint(5, 17),
                                gender=self.rng.choice(["f", "m"]),
                                identity=batch.seal(
                                    Victim, "identity", {"name": f"Synthetic child {case.pk}-{v}"}
                                ),
                            )
                        )
                _write(through, links, need_ids=False)
                _write(Victim, victims, need_ids=False)
                _audit(Case._meta.db_table, cases, self.stats)
            self.stats.cases += len(cases)
            self.stats.victims += len(victims)
            self.progress("cases", hi - lo, total)
        self.stats.seconds["cases"] = round(time.monotonic() - started, 3)

    # --- offenders ---------------------------------------------------------------------------

    def offenders(self, total: int) -> None:
        started = time.monotonic()
        facilities = {}
        for region in self.regions:
            facilities[region.pk], _ = Facility.objects.get_or_create(
                name=f"Synthetic facility {region.code}", defaults={"region": region}
            )
        covered = [self.articles[n] for n in COVERED_ARTICLES if n in self.articles]
        through = Conviction.articles.through
        for lo, hi in _batches(total, self.batch_size):
            batch = _Batch()
            people: list[Person] = []
            admissions: list[date] = []
            for n in range(lo, hi):
                region = self.region_draw()
                roll = self.rng.random()
                status = (
                    PersonStatus.IN_CUSTODY
                    if roll < 0.7
                    else PersonStatus.SUPERVISED
                    if roll < 0.95
                    else PersonStatus.ENDED
                )
                admitted = self.today - timedelta(days=self.rng.randint(400, 3400))
                admissions.append(admitted)
                people.append(
                    Person(
                        public_id=new_public_id(),
                        full_name=batch.seal(Person, "full_name", f"Synthetic person {n + 1:09d}"),
                        date_of_birth=date(1960, 1, 1) + timedelta(days=self.rng.randrange(12000)),
                        status=status,
                        region=region,
                        facility=facilities[region.pk]
                        if status == PersonStatus.IN_CUSTODY
                        else None,
                        admitted_on=admitted,
                        released_on=None
                        if status == PersonStatus.IN_CUSTODY
                        else self.today - timedelta(days=self.rng.randrange(600)),
                    )
                )
            with transaction.atomic():
                _write(Person, people, need_ids=True)
                convictions = [
                    Conviction(
                        person_id=p.pk,
                        sentence_start=admitted,
                        sentence_end=admitted + timedelta(days=3650),
                        facility=p.facility,
                    )
                    for p, admitted in zip(people, admissions, strict=True)
                ]
                _write(Conviction, convictions, need_ids=True)
                if covered:
                    _write(
                        through,
                        [
                            through(
                                conviction_id=c.pk,
                                criminalarticle_id=self.rng.choice(covered).pk,
                            )
                            for c in convictions
                        ],
                        need_ids=False,
                    )
                _audit(Person._meta.db_table, people, self.stats)
            self.stats.offenders += len(people)
            self.stats.convictions += len(convictions)
            self.progress("offenders", hi - lo, total)
        self.stats.seconds["offenders"] = round(time.monotonic() - started, 3)


def generate(
    *,
    reports: int = 0,
    cases: int = 0,
    offenders: int = 0,
    seed: int | None = None,
    batch_size: int = BATCH,
    span_days: int = SPAN_DAYS,
    progress: Progress | None = None,
) -> GenerateStats:
    """Generate the rows asked for, then refill the daily counts over the generated period."""
    gen = Generator(seed=seed, batch_size=batch_size, span_days=span_days, progress=progress)
    gen.reports(reports)
    gen.cases(cases)
    gen.offenders(offenders)
    if reports:
        started = time.monotonic()
        gen.stats.daily_counts = fill_report_counts(since=gen.today - timedelta(days=span_days + 1))
        gen.stats.seconds["daily_counts"] = round(time.monotonic() - started, 3)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Report, Case, Victim, Person, Conviction):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return gen.stats
