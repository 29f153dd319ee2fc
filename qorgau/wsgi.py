"""The WSGI application (gunicorn's workers load it, and `manage.py runserver` under `make run`).

Once it is loaded, the objects that live as long as the process (Django, the apps, the URL conf
and every view module it imports) are moved out of the garbage collector's generations
(`gc.freeze`): a full collection otherwise walks all of them again every few dozen requests, a
pause of 6-15 ms in the middle of a report's triage (issue 20, part 6; bench/README.md, "triage
speed"). The objects made later are collected as before; the frozen ones were never garbage.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qorgau.settings")
application = get_wsgi_application()


def freeze_loaded_heap() -> None:
    """Import the URL conf (and with it the views) now rather than at the first request, collect
    what loading left behind, and freeze the rest."""
    get_resolver().url_patterns  # noqa: B018 - the property imports the URL conf
    gc.collect()
    gc.freeze()


freeze_loaded_heap()
