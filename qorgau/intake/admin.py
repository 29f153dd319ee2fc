from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from qorgau.core.admin import AuditedModelAdmin
from qorgau.intake import services
from qorgau.intake.models import Platform, PlatformToken

# Reports, evidence and messages are deliberately not in the admin: administrators never see them.


@admin.register(Platform)
class PlatformAdmin(AuditedModelAdmin):
    list_display = ["name", "contact_email", "is_active", "created_at"]
    search_fields = ["name"]


@admin.register(PlatformToken)
class PlatformTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "platform", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["platform", "revoked_at"]
    fields = ["prefix", "platform", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        for token in queryset:
            services.platform_token_revoke(acting_user=request.user, token=token)
        messages.success(request, _("The tokens were revoked."))
