"""The prevention API (staff token)."""

from ninja import Router

router = Router(tags=["prevention"])
