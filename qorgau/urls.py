from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from qorgau.api import api
from qorgau.core.views import admin_login

admin.site.site_header = "Qorgau"
admin.site.site_title = "Qorgau"
admin.site.login = admin_login  # type: ignore[method-assign]  # staff log in through /staff/login/, with its audit and messages

urlpatterns = [
    # First: the platform API is the busiest prefix (every report of every platform), and Django
    # tries the patterns in order; no page of the apps below starts with api/v1/.
    path("api/v1/", api.urls),
    path("", include("qorgau.core.urls")),
    path("", include("qorgau.guidance.urls")),
    path("", include("qorgau.intake.urls")),
    path("", include("qorgau.cases.urls")),
    path("", include("qorgau.offenders.urls")),
    path("", include("qorgau.prevention.urls")),
    path("", include("qorgau.takedown.urls")),
    path("", include("qorgau.analytics.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
]

handler400 = "qorgau.core.error_views.bad_request"
handler403 = "qorgau.core.error_views.permission_denied"
handler404 = "qorgau.core.error_views.page_not_found"
handler500 = "qorgau.core.error_views.server_error"
