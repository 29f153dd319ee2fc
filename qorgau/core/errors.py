"""One family of refusals for every service.

A service that cannot do what it was asked raises a `ServiceError`: a message for the person, field
errors where the refusal is about fields, and whether it is a conflict (someone else changed the
object meanwhile, a number already taken). The API turns it into JSON in one exception handler
(`qorgau/api.py`); pages turn it into form errors with `add_to_form()` or a message. Nothing else
needs to know which app refused.

Two refusals are also Django's own exceptions, so that a view that lets them through answers as
Django would: `PermissionRefused` is a `PermissionDenied` (403), `NotFound` is an `Http404` (404).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

FieldErrors = dict[str, list[str]]


class ServiceError(Exception):
    """A refusal: `message` for the person, `errors` by field (`child.age`, `evidence.2`), `conflict`
    when the object changed meanwhile or a unique value is taken (HTTP 409)."""

    status_code = 400

    def __init__(
        self,
        message: str = "",
        *,
        errors: Mapping[str, Iterable[str]] | None = None,
        conflict: bool = False,
    ) -> None:
        self.errors: FieldErrors = {
            key: [str(m) for m in value] for key, value in (errors or {}).items()
        }
        if not message:
            message = " ".join(m for messages in self.errors.values() for m in messages)
        self.message = str(message)
        self.conflict = conflict
        super().__init__(self.message)

    @property
    def status(self) -> int:
        return 409 if self.conflict else self.status_code

    def detail(self) -> list[dict[str, str]] | str:
        """The API's `detail`: a list of `{field, message}` when there are field errors, else the
        message."""
        if self.errors:
            return [
                {"field": key, "message": " ".join(messages)}
                for key, messages in self.errors.items()
            ]
        return self.message


class InvalidInput(ServiceError):
    """Bad input, by field (HTTP 422 from the API, as for a body that does not parse)."""

    status_code = 422

    def __init__(self, errors: Mapping[str, Iterable[str]], *, conflict: bool = False) -> None:
        super().__init__(errors=errors, conflict=conflict)


class Conflict(ServiceError):
    """The object is not as the person saw it: someone else changed it meanwhile (HTTP 409)."""

    def __init__(self, message: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("conflict", True)
        super().__init__(
            message or _("Someone else changed this meanwhile. Reload the page."), **kwargs
        )


class PermissionRefused(ServiceError, PermissionDenied):
    """The user's role may not do this action (HTTP 403). Written to the audit log."""

    status_code = 403

    def __init__(self, message: str = "", *, policy: str = "") -> None:
        super().__init__(message or _("Your role cannot do this."))
        self.policy = policy


class NotFound(ServiceError, Http404):
    """The object does not exist, or is outside what the user may act on: both answer the same, so
    that another region's objects are not revealed (HTTP 404)."""

    status_code = 404

    def __init__(self, message: str = "", *, policy: str = "") -> None:
        super().__init__(message or _("Not found."))
        self.policy = policy


def run_and_tell(request: Any, call: Callable[[], Any], success: Any) -> bool:
    """Do an action from a page and tell the person: `success` as a message and True when done; a
    refusal they can fix (bad input, a conflict) as an error message and False. A refusal of their
    role or of the object is not theirs to fix: PermissionRefused and NotFound propagate (403, 404).
    """
    from django.contrib import messages

    try:
        call()
    except (PermissionRefused, NotFound):
        raise
    except ServiceError as error:
        messages.error(request, error.message)
        return False
    messages.success(request, success)
    return True


def add_to_form(form: Any, error: ServiceError) -> None:
    """Put a refusal on a Django form: field errors on their fields where the form has them, the
    rest (and a message without fields) as errors of the whole form."""
    if not error.errors:
        form.add_error(None, error.message)
        return
    for key, messages in error.errors.items():
        target = key if key in getattr(form, "fields", {}) else None
        for message in messages:
            form.add_error(target, message)
