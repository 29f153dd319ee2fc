"""Reads of the training cascade: teachers, the cascade tree, sessions and certificates."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404

from qorgau.core.collation import sort_key
from qorgau.core.models import Region, User
from qorgau.core.permissions import visible_to
from qorgau.prevention.models import Attendance, School, Teacher, TrainingSession

# --- Teachers and the cascade ---------------------------------------------------------------------


def teacher_list_for_user(
    *, user: User, status: str | None = None, find: str = ""
) -> QuerySet[Teacher]:
    qs = visible_to(Teacher.objects.select_related("school", "region", "trained_by"), user)
    if status == "master":
        qs = qs.filter(is_master_trainer=True)
    elif status == "certified":
        qs = qs.filter(is_master_trainer=False, certified_on__isnull=False)
    elif status == "waiting":
        qs = qs.filter(certified_on__isnull=True)
    if find:
        qs = qs.filter(Q(full_name__icontains=find) | Q(school__name__icontains=find))
    return qs.annotate(trainees_count=Count("trainees")).order_by("full_name", "pk")


def teacher_get_for_user(*, user: User, public_id: str) -> Teacher:
    teacher = (
        visible_to(Teacher.objects.select_related("school", "region", "trained_by"), user)
        .filter(public_id=public_id)
        .first()
    )
    if teacher is None:
        raise Http404
    return teacher


def trainer_choices_for_user(*, user: User) -> QuerySet[Teacher]:
    """Who may give a session: master trainers and certified teachers of the user's region."""
    return (
        visible_to(Teacher.objects.select_related("school"), user)
        .filter(certified_on__isnull=False)
        .order_by("level", "full_name")
    )


def attendee_choices_for_user(*, user: User, school: School | None = None) -> QuerySet[Teacher]:
    """Teachers who may attend: those not certified yet first."""
    qs = visible_to(Teacher.objects.select_related("school"), user)
    if school is not None:
        qs = qs.filter(school=school)
    return qs.order_by(F("certified_on").asc(nulls_first=True), "full_name")


@dataclass
class CascadeNode:
    teacher: dict[str, Any]
    depth: int
    below: int  # everyone certified under this person, at any depth

    @property
    def indent(self) -> int:
        return min(self.depth, 6)


def _tree(rows: list[dict[str, Any]], roots: list[dict[str, Any]]) -> list[CascadeNode]:
    children: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if row["trained_by_id"] is not None:
            children[row["trained_by_id"]].append(row)
    below: dict[int, int] = {}

    def count(pk: int) -> int:
        # iterative post-order: a cascade may be deep
        stack, order = [pk], []
        while stack:
            node = stack.pop()
            order.append(node)
            stack.extend(c["pk"] for c in children.get(node, []))
        for node in reversed(order):
            below[node] = sum(1 + below[c["pk"]] for c in children.get(node, []))
        return below[pk]

    nodes: list[CascadeNode] = []
    for root in roots:
        count(root["pk"])
        stack = [(root, 0)]
        while stack:
            row, depth = stack.pop()
            nodes.append(CascadeNode(teacher=row, depth=depth, below=below[row["pk"]]))
            for child in sorted(
                children.get(row["pk"], []), key=lambda c: sort_key(c["full_name"]), reverse=True
            ):
                stack.append((child, depth + 1))
    return nodes


CASCADE_FIELDS = ("pk", "public_id", "full_name", "trained_by_id", "level", "school__name")


def cascade_for_user(*, user: User, region: Region | None = None) -> list[CascadeNode]:
    """The cascade of the user's region (or one region, for the central office) as a tree in
    pre-order: each master trainer, then whom they certified, and so on."""
    qs = visible_to(Teacher.objects.all(), user).filter(level__isnull=False)
    if region is not None:
        qs = qs.filter(region=region)
    rows = list(qs.values(*CASCADE_FIELDS))
    roots = sorted((r for r in rows if r["level"] == 0), key=lambda r: sort_key(r["full_name"]))
    return _tree(rows, roots)


def cascade_below(*, user: User, teacher: Teacher) -> list[CascadeNode]:
    """The part of the cascade under one teacher (them first)."""
    if teacher.level is None:
        return []
    rows = list(
        visible_to(Teacher.objects.all(), user)
        .filter(region_id=teacher.region_id, level__gte=teacher.level)
        .values(*CASCADE_FIELDS)
    )
    root = next((r for r in rows if r["pk"] == teacher.pk), None)
    return _tree(rows, [root]) if root else []


def cascade_above(*, teacher: Teacher) -> list[Teacher]:
    """Who trained the teacher, who trained them, up to the master trainer."""
    chain, current, seen = [], teacher.trained_by, set()
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        chain.append(current)
        current = current.trained_by
    return chain


def teacher_attendance(*, teacher: Teacher) -> QuerySet[Attendance]:
    return teacher.attendances.select_related("session", "session__trainer").order_by(
        "-session__held_on"
    )


# --- Training sessions ----------------------------------------------------------------------------


def session_list_for_user(*, user: User) -> QuerySet[TrainingSession]:
    return (
        visible_to(TrainingSession.objects.select_related("region", "trainer"), user)
        .annotate(
            attendees=Count("attendances"),
            present=Count("attendances", filter=Q(attendances__attended=True)),
            certified=Count("attendances", filter=Q(attendances__certified_on__isnull=False)),
        )
        .order_by("-held_on", "-pk")
    )


def session_get_for_user(*, user: User, public_id: str) -> TrainingSession:
    session = (
        visible_to(
            TrainingSession.objects.select_related("region", "trainer", "trainer__school"), user
        )
        .filter(public_id=public_id)
        .first()
    )
    if session is None:
        raise Http404
    return session


def session_attendances(*, session: TrainingSession) -> QuerySet[Attendance]:
    return session.attendances.select_related("teacher", "teacher__school").order_by(
        "teacher__full_name", "pk"
    )


def certificate_get_for_user(*, user: User, certificate_id: str) -> Attendance:
    attendance = (
        visible_to(
            Attendance.objects.select_related(
                "teacher", "teacher__school", "session", "session__trainer", "session__region"
            ),
            user,
        )
        .filter(certificate_id=certificate_id, certified_on__isnull=False)
        .first()
    )
    if attendance is None:
        raise Http404
    return attendance
