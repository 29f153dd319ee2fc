from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from qorgau.core.admin import AuditedModelAdmin
from qorgau.offenders.models import Facility

# The register itself is not in the admin: administrators never see it.


@admin.register(Facility)
class FacilityAdmin(AuditedModelAdmin):
    list_display = ["name", "region"]
    list_filter = ["region"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Who works in a facility is a change of access (four eyes): asked for on the clinician's
        # account, applied when a second person approves it (core.services.access_change_approve).
        return ["clinicians"]
