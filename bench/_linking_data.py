"""The data of bench/linking.py: N stored identifiers loaded with COPY (five streams at once), and
the new reports of its series.

The load drops the secondary indexes, unique constraints and foreign keys of its tables and
rebuilds them after it with the definitions PostgreSQL gave after migrate (checked identical).
Each identifier has the application's keyed hash (`linking.services.lookup_key`) and, unless
`--shared-ciphertexts`, its own ciphertext made by the application's field. Shape: 88% of subjects
in one report, 10% in 2-5, 2% in 6-20; 1-3 linking identifiers per subject; the first report of a
subject mentions all of them, later ones the first and one other; names from a shared pool (never
linking) in 30% of subjects, bare @handles in 8%, 2% of subjects merged away; 15% of reports open.
"""

from __future__ import annotations

import contextlib
import random
import time
from datetime import UTC, datetime
from typing import Any

from _common import BenchError, log, pg_connect

REPORT_OWNER = "intake.report"


def _words(text: str) -> list[str]:
    return text.split()


# The columns the generator writes, per table, in the order of its lines; `owner_counts` of the
# subjects when the column exists. Any other NOT NULL column without a default stops the run.
COLUMNS = {
    "intake_report": "id created_at updated_at public_id source idempotency_scope idempotency_key "
    "request_digest category reporter_relation language child_age child_gender narrative "
    "reporter_anonymous suspect priority priority_reasons priority_by_analyst respond_by "
    "close_reason referred_to case_registry_number status status_changed_at receipt_locator "
    "receipt_hash platform_id region_id",
    "linking_subject": "id created_at updated_at public_id first_seen last_seen merged_into_id",
    "linking_identifier": "id created_at updated_at kind lookup value normalised subject_id",
    "linking_identifieruse": "id owner_type owner_id origin seen_at identifier_id region_id",
    "linking_nameentry": "id owner_type owner_id skeleton subject_id",
}
TABLES = list(COLUMNS)
FLUSH_LINES = 20_000  # lines buffered per table before they go to its COPY stream
LAYOUT = {
    "reports_per_subject": "1: 88%, 2-5: 10%, 6-20: 2%",
    "linking_identifiers_per_subject": "1: 45%, 2: 40%, 3: 15%",
    "first_report_uses": "all of its subject's identifiers",
    "later_reports_use": "the subject's first identifier and one other",
    "name_identifiers_share": 0.01,
    "named_subjects_share": 0.3,
    "handle_subjects_share": 0.08,
    "open_reports_share": 0.15,
    "years": 3.0,
}
PHONE_PREFIXES = _words("701 702 705 707 708 747 771 775 776 777 778")  # 10 million numbers each
KIND_WEIGHTS = {"phone": 45, "telegram": 28, "instagram": 12, "email": 5, "tiktok": 4, "vk": 3}
KIND_WEIGHTS["url"] = 3
REUSABLE = ("phone", "telegram", "instagram", "email")  # what new reports mention again
FIRST_NAMES = _words(
    """
    Айдар Асхат Бауыржан Берик Дамир Ерлан Ержан Жандос Канат Кайрат Марат Нурлан Олжас Руслан Серик
    Тимур Азамат Арман Даулет Ильяс Максим Иван Дмитрий Сергей Алексей Андрей Артём Никита Павел
    Роман Денис Евгений Игорь Олег Виктор Михаил Владимир Антон Кирилл Егор
    """
)
LAST_NAMES = _words(
    """
    Ахметов Бекетов Жумабаев Исаев Касымов Мусин Нурпеисов Омаров Сапаров Тулеев Утепов Abenov
    Иванов Петров Сидоров Смирнов Кузнецов Попов Васильев Соколов Михайлов Новиков Фёдоров
    Морозов Волков Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев
    Макаров Никитин Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв Сергеев
    Кузьмин Фролов Александров Дмитриев
    """
)
PATRONYMICS = _words(
    """
    Асхатович Берикович Еркинович Канатович Маратович Нурланович Серикович Тимурович Иванович
    Петрович Сергеевич Алексеевич Андреевич Дмитриевич Олегович Викторович Михайлович Павлович
    Романович Игоревич Евгеньевич Владимирович Николаевич Юрьевич Борисович
    """
)
NAME_COMBINATIONS = len(FIRST_NAMES) * len(LAST_NAMES) * len(PATRONYMICS)
NARRATIVE = (
    "Мужчина написал моей дочери (12 лет) в Telegram, просил фотографии и предлагал встретиться "
    "после школы. Его номер 8 701 000 00 00, профиль t.me/synthetic_profile. Он же пишет ей в "
    "инстаграме @synthetic_insta. Мы сохранили переписку и скриншоты."
)
SUSPECT = {
    "name": "Синтетический Подозреваемый",
    "identifiers": [{"kind": "phone", "value": "8 701 000 00 00"}],
}
CATEGORIES = ["grooming"] * 5 + ["suspicious_contact"] * 3 + ["sextortion"] * 2 + ["other"]
RELATIONS = ["parent", "parent", "parent", "child", "teacher", "witness", "other"]
CLOSE_REASONS = ["resolved", "unfounded", "duplicate", "not_our_matter", "case_opened"]


def name_of(n: int) -> str:
    rest = n // len(FIRST_NAMES)
    patronymic = PATRONYMICS[(rest // len(LAST_NAMES)) % len(PATRONYMICS)]
    return f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {LAST_NAMES[rest % len(LAST_NAMES)]} {patronymic}"


VALUES = {
    "telegram": "tg_user_{}",
    "instagram": "ig.user_{}",
    "email": "user{}@mail.kz",
    "tiktok": "tt.user{}",
    "vk": "vk_user{}",
    "url": "site{}.example.kz/profile",
    "handle": "nick_{}",
}


def value_of(kind: str, n: int) -> str:
    """The n-th distinct normalised value of a kind: what the application's `normalise` yields."""
    if kind == "phone":
        return f"+7{PHONE_PREFIXES[n // 10_000_000 % len(PHONE_PREFIXES)]}{n % 10_000_000:07d}"
    return name_of(n) if kind == "name" else VALUES[kind].format(n)


def written_phone(e164: str, rng: random.Random) -> str:
    """A phone as people write it in a narrative or a form."""
    d = e164[2:]  # ten digits: 701 234 56 78
    return rng.choice(
        [
            f"8 {d[:3]} {d[3:6]} {d[6:8]} {d[8:]}",
            f"+7 ({d[:3]}) {d[3:6]}-{d[6:8]}-{d[8:]}",
            f"8{d}",
            f"+7{d}",
            f"8-{d[:3]}-{d[3:6]}-{d[6:8]}-{d[8:]}",
        ]
    )


# --- The schema around the load ------------------------------------------------------------------


def read_schema(conn: Any) -> list[tuple[str, str, str]]:
    """(kind, table, DDL to recreate) of the loaded tables' foreign keys, unique constraints and
    secondary indexes: dropped for the load in this order (the primary keys stay)."""
    constraints = conn.execute(
        "SELECT contype, conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
        "FROM pg_constraint WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('u', 'f') "
        "ORDER BY contype, conname",
        (TABLES,),
    ).fetchall()
    indexes = conn.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
        "WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u')) ORDER BY 1",
        (TABLES,),
    ).fetchall()
    return [(kind, f"{table} {name}", ddl) for kind, table, name, ddl in constraints] + [
        ("i", name, ddl) for name, ddl in indexes
    ]


def drop_for_load(conn: Any, schema: list) -> None:
    for kind, name, _ddl in schema:  # foreign keys, then unique constraints, then indexes
        table, _, constraint = name.partition(" ")
        conn.execute(
            f'ALTER TABLE "{table}" DROP CONSTRAINT "{constraint}"'
            if kind != "i"
            else f'DROP INDEX "{name}"'
        )


def restore_after_load(conn: Any, schema: list) -> None:
    conn.execute("SET maintenance_work_mem = '1GB'")
    conn.execute("SET max_parallel_maintenance_workers = 2")
    for kind, name, ddl in sorted(schema, key=lambda s: "uif".index(s[0])):
        table, _, constraint = name.partition(" ")
        conn.execute(
            ddl if kind == "i" else f'ALTER TABLE "{table}" ADD CONSTRAINT "{constraint}" {ddl}'
        )
    if read_schema(conn) != schema:
        raise BenchError("the indexes and constraints after the load differ from the migrated ones")


def load_columns(conn: Any) -> dict[str, list[str]]:
    """The columns to COPY per table; a clear error when the schema changed under the generator."""
    rows = conn.execute(
        "SELECT table_name, column_name, is_nullable = 'NO' AND column_default IS NULL AND "
        "is_identity = 'NO' FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = ANY(%s)",
        (TABLES,),
    ).fetchall()
    result = {}
    for table in TABLES:
        existing = {column: required for t, column, required in rows if t == table}
        wanted = COLUMNS[table].split() + (["owner_counts"] if "owner_counts" in existing else [])
        missing = [c for c in wanted if c not in existing]
        unfilled = [c for c, required in existing.items() if required and c not in wanted]
        if missing or unfilled:
            raise BenchError(
                f"the schema of {table} changed (gone: {missing}; NOT NULL without a default, not "
                f"generated: {unfilled}): bench/_linking_data.py must be taught them (COLUMNS)"
            )
        result[table] = wanted
    return result


# --- The load ------------------------------------------------------------------------------------


def generate(url: str, args: Any, platform_id: int, region_ids: list[int]) -> dict[str, Any]:
    """Load the data with COPY, one connection per table, so that PostgreSQL ingests while this
    process hashes and encrypts the next rows; then indexes, sequences, VACUUM ANALYZE, CHECKPOINT.
    Returns the timings, the counters of values used per kind and a sample of stored values."""
    from psycopg import sql

    from qorgau.intake.models import Report
    from qorgau.linking.models import Identifier
    from qorgau.linking.names import skeleton
    from qorgau.linking.services import lookup_key

    started = time.perf_counter()
    with pg_connect(url, autocommit=True) as conn:
        columns, schema = load_columns(conn), read_schema(conn)
        drop_for_load(conn, schema)
    rng = random.Random(args.seed)  # noqa: S311 - synthetic data, not security
    kinds, weights = list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
    encrypt = Identifier._meta.get_field("value").get_prep_value
    narrative = Report._meta.get_field("narrative").get_prep_value(NARRATIVE).hex()
    suspect = Report._meta.get_field("suspect").get_prep_value(SUSPECT).hex()
    shared = {k: encrypt(value_of(k, 0)).hex() for k in [*kinds, "handle", "name"]}
    name_pool = min(
        int(args.identifiers * LAYOUT["name_identifiers_share"]),
        NAME_COMBINATIONS,
        args.identifiers // 2,
    )
    skeletons = [skeleton(name_of(n))[:200] for n in range(name_pool)]
    counters = dict.fromkeys([*kinds, "handle", "name"], 0)
    sample: list[tuple[str, str, int]] = []  # a uniform sample (reservoir) for new reports
    seen = 0
    next_id = dict.fromkeys(TABLES, 1)
    lines: dict[str, list[str]] = {t: [] for t in TABLES}
    end = int(time.time()) - 86_400
    start = end - int(LAYOUT["years"] * 365 * 86_400)
    regions = [str(r) for r in region_ids] or ["\\N"]
    counts = "owner_counts" in columns["linking_subject"]

    def row(table: str, *values: Any) -> int:
        pk = next_id[table]
        next_id[table] += 1
        lines[table].append("\t".join(map(str, (pk, *values))) + "\n")
        return pk

    def identifier(kind: str, value: str, stamp: str, subject: Any) -> int:
        ct = shared[kind] if args.shared_ciphertexts else encrypt(value).hex()
        lookup = lookup_key(kind, value)
        return row("linking_identifier", stamp, stamp, kind, lookup, f"\\\\x{ct}", "t", subject)

    copy_started = time.perf_counter()
    with contextlib.ExitStack() as stack:
        copies = {}
        for table in TABLES:
            cursor = stack.enter_context(stack.enter_context(pg_connect(url)).cursor())
            statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
                sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns[table]))
            )
            copies[table] = stack.enter_context(cursor.copy(statement))

        def flush(force: bool = False) -> None:
            for table, pending in lines.items():
                if pending and (force or len(pending) >= FLUSH_LINES):
                    copies[table].write("".join(pending))
                    pending.clear()

        stamp = datetime.fromtimestamp(start, UTC).isoformat()
        for n in range(name_pool):  # the pool of suspect names: identifiers of kind "name"
            identifier("name", name_of(n), stamp, "\\N")
        counters["name"] = made = name_pool
        progress = max(1, args.identifiers // 20)
        while made < args.identifiers:
            x = rng.random()
            k = min(1 if x < 0.45 else 2 if x < 0.85 else 3, args.identifiers - made)
            handle = args.identifiers - made > k and rng.random() < LAYOUT["handle_subjects_share"]
            x = rng.random()
            reports = 1 if x < 0.88 else rng.randint(2, 5) if x < 0.98 else rng.randint(6, 20)
            times = [start + rng.randrange(max(1, end - start - 60 * 86_400))]
            for _ in range(reports - 1):
                times.append(min(end, times[-1] + rng.randrange(3_600, 30 * 86_400)))
            stamps = [datetime.fromtimestamp(t, UTC).isoformat() for t in times]
            first, last = stamps[0], stamps[-1]
            sid = next_id["linking_subject"]
            owner_counts = [f'{{"{REPORT_OWNER}": {reports}}}'] if counts else []
            row("linking_subject", first, last, f"s{sid}", first, last, "\\N", *owner_counts)
            chosen: list[str] = []
            while len(chosen) < k:
                kind = rng.choices(kinds, weights)[0]
                if kind not in chosen:
                    chosen.append(kind)
            idents = []
            for kind in chosen:
                value = value_of(kind, counters[kind])
                counters[kind] += 1
                idents.append(identifier(kind, value, stamps[0], sid))
                if kind in REUSABLE:  # the reservoir: every stored value equally likely
                    seen += 1
                    if len(sample) < 50_000:
                        sample.append((kind, value, sid))
                    elif (j := rng.randrange(seen)) < 50_000:
                        sample[j] = (kind, value, sid)
            handle_id = None
            if handle:
                value = value_of("handle", counters["handle"])
                handle_id = identifier("handle", value, first, "\\N")
                counters["handle"] += 1
            made += k + bool(handle)
            named = name_pool and rng.random() < LAYOUT["named_subjects_share"]
            name = rng.randrange(name_pool) if named else None
            if rng.random() < args.merged_share:  # a subject an earlier merge folded into this one
                stub, empty = next_id["linking_subject"], ["{}"] if counts else []
                row("linking_subject", first, last, f"s{stub}", first, first, sid, *empty)
            region = rng.choice(regions)
            for j, stamp in enumerate(stamps):
                rid = next_id["intake_report"]
                used = [*idents, *([handle_id] if handle_id else [])] if j == 0 else [idents[0]]
                if j and idents[j % len(idents)] not in used:
                    used.append(idents[j % len(idents)])
                for iid in used:
                    origin = "field" if rng.random() < 0.4 else "text"
                    row("linking_identifieruse", REPORT_OWNER, rid, origin, stamp, iid, region)
                if name is not None:
                    row(
                        "linking_identifieruse", REPORT_OWNER, rid, "field", stamp, name + 1, region
                    )
                    row("linking_nameentry", REPORT_OWNER, rid, skeletons[name], sid)
                recent = times[j] > end - 45 * 86_400
                status = (
                    rng.choice(["received", "in_review"])
                    if recent or rng.random() < 0.15
                    else "closed"
                )
                close = rng.choice(CLOSE_REASONS) if status == "closed" else ""
                priority = rng.choice(["P2", "P3", "P3", "P4"])
                respond = datetime.fromtimestamp(times[j] + 72 * 3600, UTC).isoformat()
                source, platform = (
                    ("platform", platform_id) if rng.random() < 0.3 else ("web", "\\N")
                )
                age = rng.randint(6, 17)
                fields = (rng.choice(CATEGORIES), rng.choice(RELATIONS), "ru", age, "mff"[rid % 3])
                encrypted = (f"\\\\x{narrative}", "t", f"\\\\x{suspect}", priority, "[]", "f")
                rest = (respond, close, "", "", status, stamp, "", "", platform, region)
                head = (stamp, stamp, f"br{rid}", source, "", "", "")
                row("intake_report", *head, *fields, *encrypted, *rest)
            flush()
            if made >= progress:
                took = time.perf_counter() - copy_started
                log(f"generating: {made:,} / {args.identifiers:,} identifiers ({took:.0f} s)")
                progress += max(1, args.identifiers // 20)
        flush(force=True)
        log("generating: waiting for PostgreSQL to take the last rows")
    copy_s = time.perf_counter() - copy_started  # leaving the stack ended every COPY and committed
    log("rebuilding the indexes and foreign keys of the loaded tables")
    index_started = time.perf_counter()
    with pg_connect(url, autocommit=True) as conn:
        restore_after_load(conn, schema)
        for table in TABLES:
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {next_id[table]}, false)"
            )
    index_s = time.perf_counter() - index_started
    log("VACUUM ANALYZE and CHECKPOINT")
    with pg_connect(url, autocommit=True) as conn:
        for table in TABLES:
            conn.execute(f'VACUUM (ANALYZE) "{table}"')
        conn.execute("CHECKPOINT")
    return {
        "total_s": time.perf_counter() - started,
        "copy_s": copy_s,
        "index_s": index_s,
        "vacuum_s": time.perf_counter() - started - copy_s - index_s,
        "name_pool": name_pool,
        "nameentries": next_id["linking_nameentry"] - 1,
        "counters": counters,
        "sample": sample,
    }


# --- New reports -------------------------------------------------------------------------------


class NewReports:
    """New reports: a phone, a t.me link and an @handle in the narrative (kk/ru/en), often a name
    and the phone again in the fields. --grow-share of them mention one stored identifier again
    (its subject grows), --merge-share two of different subjects (they merge)."""

    def __init__(self, rng: random.Random, generated: dict, args: Any) -> None:
        self.rng, self.counters, self.sample = rng, dict(generated["counters"]), generated["sample"]
        self.grow, self.merge = args.grow_share, args.merge_share

    def _new(self, kind: str) -> str:
        self.counters[kind] += 1
        return value_of(kind, self.counters[kind] - 1)

    def make(self) -> dict[str, Any]:
        """{narrative, language, category, suspect_name, identifiers: [(kind, written)], reused}"""
        rng = self.rng
        slots = {k: self._new(k) for k in ("phone", "telegram", "instagram")} | {"email": ""}
        bare = rng.random() < 0.4
        x = rng.random()
        reuse = 0 if x >= self.grow + self.merge or not self.sample else 1 if x < self.grow else 2
        subjects: set[int] = set()
        for _ in range(20):
            if len(subjects) >= reuse:
                break
            kind, value, subject = rng.choice(self.sample)
            taken = subject in subjects or (kind == "instagram" and bare)
            if not taken and kind in slots and slots[kind] != value:
                slots[kind] = value
                subjects.add(subject)
        phone = written_phone(slots["phone"], rng)
        tg = f"{'https://' if rng.random() < 0.5 else ''}t.me/{slots['telegram']}"
        handle = f"@{self._new('handle')}" if bare else f"@{slots['instagram']}"
        language = rng.choice(["ru", "ru", "kk", "en"])
        if language == "ru":
            text = (
                f"Мужчина написал моей дочери в Telegram ({tg}), просил фотографии и предлагал "
                f"встретиться завтра после школы. Его номер {phone}. "
                + (f"Ещё он писал ей под ником {handle}." if bare else f"В инстаграме он {handle}.")
            )
        elif language == "kk":
            text = (
                f"Бір адам қызыма {tg} арқылы жазып, суреттерін сұрады және кездесуге шақырды. "
                f"Телефоны: {phone}. "
                + (f"Оның аты {handle}." if bare else f"Инстаграмда {handle} деп жазады.")
            )
        else:
            text = (
                f"Someone keeps messaging my son on Telegram ({tg}) asking for pictures and to "
                f"meet after school. His number is {phone}. "
                + (f"He also writes as {handle}." if bare else f"On Instagram he is {handle}.")
            )
        if slots["email"]:
            text += f" E-mail: {slots['email']}."
        fields = [("phone", phone)] if rng.random() < 0.5 else []
        if rng.random() < 0.3:
            fields.append(("telegram", f"@{slots['telegram']}"))
        name = name_of(rng.randrange(NAME_COMBINATIONS)) if rng.random() < 0.4 else ""
        category = rng.choice(CATEGORIES)
        return {
            "narrative": text,
            "language": language,
            "category": category,
            "suspect_name": name,
            "identifiers": fields,
            "reused": len(subjects),
        }
