"""Who sees the figures and who writes beside them (core/permissions.py says how rules apply)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from qorgau.core.enums import Role
from qorgau.core.permissions import On, Policy, Scope, Visibility

# The national picture: the central office sees every region, a regional chief their own.
FIGURES_VISIBILITY = Visibility(
    roles={Role.CENTRAL_OFFICE: Scope.ALL, Role.REGIONAL_CHIEF: Scope.REGION}
)
VIEW_FIGURES = Policy(
    "analytics.view_figures",
    {Role.CENTRAL_OFFICE: On.ANY, Role.REGIONAL_CHIEF: On.OWN_REGION},
    message=_("Your role does not see these figures."),
)
# A regional chief writes the month's note on their own region's figures.
WRITE_NOTE = Policy(
    "analytics.write_note",
    {Role.REGIONAL_CHIEF: On.OWN_REGION},
    message=_("Only a regional chief writes the region's note."),
)
# A weekly spike in a region's reports is told to the central office.
NOTIFIED_OF_SPIKES = frozenset({Role.CENTRAL_OFFICE})
