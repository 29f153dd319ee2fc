"""Re-keying stored lookup values under the current lookup key (`manage.py rekey_lookups`).

What can be recomputed is: an identifier's lookup and an IIN's lookup come from values kept
encrypted beside them. What cannot is counted and left: a receipt locator (the reporter alone has
the code; the locator is rewritten when the code next opens its report) and a recovery code (the
member of staff alone has it; replaced at the next enrolment). Those keep opening as long as the
key that made them stays configured (QORGAU_PREVIOUS_LOOKUP_KEYS, QORGAU_LEGACY_SECRET_KEYS).

Every function takes the app registry, so that migration 0008 can run them on historical models.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps as global_apps
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.db.models.functions import Substr

from qorgau.core.derived_keys import (
    IDENTIFIER_LOOKUP,
    IIN_LOOKUP,
    SEPARATOR,
    STORED,
    keyed_digest,
    legacy_digest,
    ring,
)
from qorgau.core.keys import LOOKUP_KEY_ID_CHARS


@dataclass
class RekeyResult:
    label: str
    rewritten: int = 0
    current: int = 0
    # identifiers that had a twin under the current key: their uses joined it (relink after)
    merged: int = 0
    # register entries whose IIN another entry already holds under the current key (left as they
    # are: two entries of one person are for a person to merge)
    conflicts: list[int] = field(default_factory=list)
    # values that cannot be recomputed, still under an old key: by key id ("legacy": SECRET_KEY)
    left: dict[str, int] = field(default_factory=dict)
    dropped: int = 0  # rate-limit buckets under old keys, deleted
    rewrites: bool = True  # False: values that are only counted (or dropped), never rewritten


def _model(apps: Any, label: str) -> Any:
    return apps.get_model(label)


def _not_current(queryset: Any, column: str) -> Any:
    current = ring().current_id + SEPARATOR
    return queryset.exclude(**{f"{column}__startswith": current}).exclude(**{column: ""})


def identifier_lookup_for(kind: str, value: str, subject_id: int | None) -> str:
    """The lookup an identifier row gets under the current key. An analyst's anchor (an owner tied
    to a subject without an identifier of its own) was keyed with the subject it was made for,
    which its row keeps as its subject (`link_by_analyst`)."""
    if kind == "analyst":
        return keyed_digest(IDENTIFIER_LOOKUP, f"analyst:{value}:{subject_id}")
    return keyed_digest(IDENTIFIER_LOOKUP, f"{kind}:{value}")


def _merge_into_twin(apps: Any, row: Any, twin_lookup: str) -> bool:
    """Join an identifier row to its twin under the current key: its uses move (or go, where the
    twin has the same owner), the row goes. True if the two had different subjects (relink)."""
    Identifier = _model(apps, "linking.Identifier")
    IdentifierUse = _model(apps, "linking.IdentifierUse")
    twin = Identifier.objects.select_for_update().get(lookup=twin_lookup)
    twin_owners = set(
        IdentifierUse.objects.filter(identifier_id=twin.pk).values_list("owner_type", "owner_id")
    )
    for use in IdentifierUse.objects.filter(identifier_id=row.pk):
        if (use.owner_type, use.owner_id) in twin_owners:
            use.delete()
        else:
            IdentifierUse.objects.filter(pk=use.pk).update(identifier_id=twin.pk)
    if twin.subject_id is None and row.subject_id is not None:
        Identifier.objects.filter(pk=twin.pk).update(subject_id=row.subject_id)
    Identifier.objects.filter(pk=row.pk).delete()
    return None not in (twin.subject_id, row.subject_id) and twin.subject_id != row.subject_id


def rekey_identifiers(*, apps: Any = global_apps, batch_size: int = 500, dry_run: bool = False):
    """Every identifier's lookup recomputed (from its decrypted value) under the current key."""
    Identifier = _model(apps, "linking.Identifier")
    result = RekeyResult(label="identifier lookups")
    result.current = Identifier.objects.count() - _not_current(Identifier.objects, "lookup").count()
    relink = False
    last_pk = 0
    while True:
        batch = list(
            _not_current(Identifier.objects, "lookup")
            .filter(pk__gt=last_pk)
            .order_by("pk")[:batch_size]
        )
        if not batch:
            break
        last_pk = batch[-1].pk
        if dry_run:
            result.rewritten += len(batch)
            continue
        for row in batch:
            new = identifier_lookup_for(row.kind, row.value, row.subject_id)
            try:
                with transaction.atomic():
                    updated = Identifier.objects.filter(pk=row.pk, lookup=row.lookup).update(
                        lookup=new
                    )
            except IntegrityError:
                with transaction.atomic():
                    relink |= _merge_into_twin(apps, row, new)
                result.merged += 1
                continue
            result.rewritten += updated
    if relink:
        result.label += " (subjects joined by a merge: run `manage.py relink`)"
    return result


def rekey_register(*, apps: Any = global_apps, batch_size: int = 500, dry_run: bool = False):
    """Every register entry's IIN lookup recomputed (from its decrypted IIN) under the current key."""
    Person = _model(apps, "offenders.Person")
    result = RekeyResult(label="IIN lookups")
    with_iin = Person.objects.filter(iin_lookup__isnull=False)
    result.current = with_iin.count() - _not_current(with_iin, "iin_lookup").count()
    last_pk = 0
    while True:
        batch = list(
            _not_current(with_iin, "iin_lookup")
            .filter(pk__gt=last_pk)
            .order_by("pk")
            .only("pk", "iin", "iin_lookup")[:batch_size]
        )
        if not batch:
            break
        last_pk = batch[-1].pk
        if dry_run:
            result.rewritten += len(batch)
            continue
        for person in batch:
            try:
                with transaction.atomic():
                    result.rewritten += Person.objects.filter(
                        pk=person.pk, iin_lookup=person.iin_lookup
                    ).update(iin_lookup=keyed_digest(IIN_LOOKUP, person.iin))
            except IntegrityError:
                result.conflicts.append(person.pk)
    return result


def _left_by_key(queryset: Any, column: str) -> dict[str, int]:
    """How many values of `column` are not under the current key, by the key that made them."""
    width = LOOKUP_KEY_ID_CHARS + len(SEPARATOR)
    rows = (
        _not_current(queryset, column)
        .annotate(_head=Substr(column, 1, width))
        .values("_head")
        .annotate(_n=Count("pk"))
        .values_list("_head", "_n")
    )
    left: dict[str, int] = {}
    for head, count in rows:
        name = head[:LOOKUP_KEY_ID_CHARS] if head.endswith(SEPARATOR) else "legacy"
        left[name] = left.get(name, 0) + count
    return left


def count_receipts_and_recovery_codes(*, apps: Any = global_apps) -> list[RekeyResult]:
    """Receipt locators and recovery codes still under old keys: they cannot be recomputed."""
    results = []
    for label, name in [
        ("intake.report", "receipt locators"),
        ("otp_static.statictoken", "recovery codes"),
    ]:
        model = _model(apps, label)
        column = STORED[label][0]
        result = RekeyResult(label=f"{name} (cannot be recomputed)", rewrites=False)
        result.left = _left_by_key(model.objects.all(), column)
        result.current = model.objects.exclude(**{column: ""}).count() - sum(result.left.values())
        results.append(result)
    return results


def drop_old_rate_limits(*, apps: Any = global_apps, dry_run: bool = False) -> RekeyResult:
    TokenBucket = _model(apps, "core.TokenBucket")
    result = RekeyResult(label="rate-limit buckets", rewrites=False)
    old = _not_current(TokenBucket.objects, "key")
    result.dropped = old.count() if dry_run else old.delete()[0]
    result.current = TokenBucket.objects.count() - (result.dropped if dry_run else 0)
    return result


def rekey_all(*, batch_size: int = 500, dry_run: bool = False) -> list[RekeyResult]:
    """`manage.py rekey_lookups`: safe to run while the application runs, and again (idempotent)."""
    return [
        rekey_identifiers(batch_size=batch_size, dry_run=dry_run),
        rekey_register(batch_size=batch_size, dry_run=dry_run),
        *count_receipts_and_recovery_codes(),
        drop_old_rate_limits(dry_run=dry_run),
    ]


# --- Upgrading from before the lookup key (migration core 0008) -----------------------------------


def legacy_models(*, apps: Any = global_apps) -> list[str]:
    """The models holding values keyed with SECRET_KEY, as they were before the lookup key."""
    found = []
    for label, (column, _purpose) in STORED.items():
        queryset = _model(apps, label).objects.exclude(**{f"{column}__contains": SEPARATOR})
        if queryset.exclude(**{column: ""}).filter(**{f"{column}__isnull": False}).exists():
            found.append(label)
    return found


UPGRADE_HELP = (
    "set QORGAU_LEGACY_SECRET_KEYS to the SECRET_KEY this installation has used (with every value "
    "of its SECRET_KEY_FALLBACKS, comma-separated) and run `manage.py migrate` again; see "
    "docs/operations.md, 'Upgrading to the lookup key'."
)


def require_legacy_secrets(*, apps: Any = global_apps) -> None:
    """Refuse the upgrade of an installation that holds SECRET_KEY-keyed values (receipt codes and
    recovery codes already handed out) unless the SECRET_KEY that keyed them is pinned in
    QORGAU_LEGACY_SECRET_KEYS; where a stored value can be recomputed, check it is that one."""
    found = legacy_models(apps=apps)
    if not found:
        return
    legacy = ring().legacy
    if not legacy:
        raise ImproperlyConfigured(
            f"This installation holds values keyed with SECRET_KEY ({', '.join(found)}), which "
            f"Qorgau no longer uses for them: {UPGRADE_HELP}"
        )
    Identifier = _model(apps, "linking.Identifier")
    Person = _model(apps, "offenders.Person")
    sample = Identifier.objects.exclude(lookup__contains=SEPARATOR).exclude(kind="analyst").first()
    if sample is not None:
        purpose, value, stored = IDENTIFIER_LOOKUP, f"{sample.kind}:{sample.value}", sample.lookup
    else:
        person = (
            Person.objects.filter(iin_lookup__isnull=False)
            .exclude(iin_lookup__contains=SEPARATOR)
            .first()
        )
        if person is None:
            return  # only receipts and recovery codes: nothing to check the secrets against
        purpose, value, stored = IIN_LOOKUP, person.iin, person.iin_lookup
    if stored not in [legacy_digest(purpose, value, secret) for secret in legacy]:
        raise ImproperlyConfigured(
            "QORGAU_LEGACY_SECRET_KEYS does not hold the SECRET_KEY that keyed this installation's "
            f"values: {UPGRADE_HELP}"
        )
