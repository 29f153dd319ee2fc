"""Who may work with known-hash lists (issue 22): the central office imports and searches them
(and the system: `manage.py import_hash_list` from the command line). Nobody else learns what a
list holds; a report's page says only that one of its files is on a list."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from qorgau.core.enums import Role
from qorgau.core.permissions import On, Policy

_MESSAGE = _("Only the central office works with hash lists.")

IMPORT_HASH_LIST = Policy(
    "linking.import_hash_list", {Role.CENTRAL_OFFICE}, on=On.ANY, message=_MESSAGE
)
SEARCH_HASH_LISTS = Policy(
    "linking.search_hash_lists", {Role.CENTRAL_OFFICE}, on=On.ANY, message=_MESSAGE
)
