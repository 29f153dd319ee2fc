from django.contrib import admin

from qorgau.core.admin import AuditedModelAdmin
from qorgau.offenders.models import Facility

# The register itself is not in the admin: administrators never see it.


@admin.register(Facility)
class FacilityAdmin(AuditedModelAdmin):
    list_display = ["name", "region"]
    list_filter = ["region"]
    filter_horizontal = ["clinicians"]
