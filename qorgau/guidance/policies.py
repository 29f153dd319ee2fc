"""Who may act on the guidance pages: one named policy per action (core/permissions.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from qorgau.core.enums import Role
from qorgau.core.permissions import On, Policy, Scope, Visibility

# Drafting a new version of a page and publishing a version: the central office, for the whole
# country (the pages are national, of no region). The system may too (`acting_user=None`).
EDIT_GUIDANCE = Policy(
    "guidance.edit",
    {Role.CENTRAL_OFFICE: On.ANY},
    message=_("Only the central office edits the guidance pages."),
)

# The versions of a page (drafts included) are seen by those who edit them; the published text is
# public and read without a user (selectors of the public pages).
VERSION_VISIBILITY = Visibility(roles={Role.CENTRAL_OFFICE: Scope.ALL}, region_field=None)
