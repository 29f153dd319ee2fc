"""Every change of a status (or a stage) goes through `transition()`.

A model with a status declares its table of allowed moves once (`Transitions`); a service moves an
object with one call, which:
- refuses a move the table does not allow (a `Conflict`, naming both statuses in the user's language);
- updates the row only if it still has the status the caller read
  (`filter(pk=…, status=old).update(…)`), so that two people moving the same object at once cannot
  both succeed: 0 rows updated is a conflict ("someone else changed it meanwhile"); this works the
  same on SQLite and PostgreSQL;
- writes the timeline event (when the model has a timeline) and the audit entry, in the caller's
  transaction.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.core.errors import Conflict

M = TypeVar("M", bound=models.Model)

# A hook that writes the model's timeline event: (obj, from, to, acting_user, reason).
EventWriter = Callable[[Any, str, str, Any, str], None]


@dataclass(frozen=True, init=False)
class Transitions:
    """The allowed moves of one model's status field.

    `moves` maps a status to the statuses it may go to (a status absent from it, or mapped to
    nothing, is final). `action` names the audit entry (`report.status`). `changed_at`: a field set
    to the time of the move. `labels`: the TextChoices whose labels name statuses in messages.
    `event`: the hook that writes the timeline event, for models with a timeline.
    """

    moves: Mapping[str, frozenset[str]]
    action: str
    field: str
    changed_at: str | None
    labels: Any
    event: EventWriter | None = dataclasses.field(default=None)

    def __init__(
        self,
        moves: Mapping[str, Iterable[str]],
        *,
        action: str,
        field: str = "status",
        changed_at: str | None = None,
        labels: Any = None,
        event: EventWriter | None = None,
    ) -> None:
        table = {str(k): frozenset(str(v) for v in targets) for k, targets in moves.items()}
        object.__setattr__(self, "moves", MappingProxyType(table))
        object.__setattr__(self, "action", action)
        object.__setattr__(self, "field", field)
        object.__setattr__(self, "changed_at", changed_at)
        object.__setattr__(self, "labels", labels)
        object.__setattr__(self, "event", event)

    def allows(self, from_value: str, to_value: str) -> bool:
        return to_value in self.moves.get(str(from_value), frozenset())

    def label(self, value: str) -> str:
        if self.labels is not None:
            try:
                return str(self.labels(value).label)
            except ValueError:
                pass
        return str(value)


def _region_of(obj: models.Model) -> Any:
    from qorgau.core.permissions import _region_id_of

    region_id = _region_id_of(obj)
    if region_id is None:
        return None
    from qorgau.core.models import Region

    return Region(pk=region_id)


@transaction.atomic(savepoint=False)
def transition(
    obj: M,
    *,
    to: str,
    table: Transitions,
    acting_user: Any,
    reason: str = "",
    updates: Mapping[str, Any] | None = None,
    details: Mapping[str, Any] | None = None,
    region: Any = None,
) -> M:
    """Move `obj` to status `to` under `table`, from the status it has in memory.

    `updates`: other columns set in the same UPDATE (a date, who decided). `details`: more for the
    audit entry (never a personal value). `region`: the audit entry's region (by default the
    object's, from its Visibility).
    """
    from qorgau.core.services import audit_append

    from_value = str(getattr(obj, table.field))
    to = str(to)
    if not table.allows(from_value, to):
        raise Conflict(
            _("This cannot go from “%(from)s” to “%(to)s”.")
            % {"from": table.label(from_value), "to": table.label(to)}
        )
    now = timezone.now()
    values: dict[str, Any] = {table.field: to, **(updates or {})}
    if table.changed_at:
        values[table.changed_at] = now
    if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
        values.setdefault("updated_at", now)
    updated = (
        type(obj)._default_manager.filter(pk=obj.pk, **{table.field: from_value}).update(**values)
    )
    if not updated:
        raise Conflict(_("Someone else changed this meanwhile. Reload the page."))
    for name, value in values.items():
        setattr(obj, name, value)
    if table.event is not None:
        table.event(obj, from_value, to, acting_user, reason)
    audit_append(
        actor=acting_user,
        action=table.action,
        obj=obj,
        region=region if region is not None else _region_of(obj),
        details={"from": from_value, "to": to, **(details or {})},
    )
    return obj
