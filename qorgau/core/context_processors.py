from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from qorgau.core.enums import Language
from qorgau.core.navigation import menu_for, navigation_for
from qorgau.core.selectors import helpline_list, unread_notification_count


def qorgau(request: HttpRequest) -> dict[str, Any]:
    """What every page's layout needs: the helplines of the footer, the quick exit, staff navigation."""
    return {
        "helplines": helpline_list,  # a callable: evaluated only by pages that show it
        "quick_exit_url": settings.QORGAU_QUICK_EXIT_URL,
        "staff_navigation": navigation_for(getattr(request, "user", None)),
        "staff_menu": lambda: menu_for(getattr(request, "user", None)),
        # each language named in itself, whatever the page's language
        "language_choices": Language.choices,
        "unread_notifications": lambda: unread_notification_count(
            user=getattr(request, "user", None)
        ),
    }
