"""Types shared by views and API operations.

`AuthedRequest` is the request of a view that only a signed-in member of staff reaches
(`@login_required`, the API's token auth): its `user` is a `User`, never `AnonymousUser`, so the
view passes `request.user` to a selector or a service as it is. Only an annotation: Django builds
the same `HttpRequest` as ever (a view that anonymous people reach keeps `HttpRequest`).
`signed_in(user)` narrows a user that may be anonymous or None to `User` where it is true.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeGuard

from django.http import HttpRequest

if TYPE_CHECKING:
    from qorgau.core.models import User


class AuthedRequest(HttpRequest):
    user: User


class SecondFactorRequest(HttpRequest):
    """A request as the second-factor middleware leaves it: the user who passed the password but
    not yet the second step, kept for the views of that step (request.user is anonymous then)."""

    otp_pending_user: User | None


def signed_in(user: Any) -> TypeGuard[User]:
    """Whether `user` is a signed-in member of staff: not `AnonymousUser`, not None."""
    return bool(getattr(user, "is_authenticated", False))
