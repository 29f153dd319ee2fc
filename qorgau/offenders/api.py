"""The offenders API (staff token)."""

from ninja import Router

router = Router(tags=["offenders"])
