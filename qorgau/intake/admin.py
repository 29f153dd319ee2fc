from __future__ import annotations

from typing import Any, ClassVar, cast

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from qorgau.core.admin import AuditedModelAdmin
from qorgau.core.models import User
from qorgau.intake import services
from qorgau.intake.models import Platform, PlatformToken, TriageRuleSet
from qorgau.intake.triage import validate_rules

# Reports, evidence and messages are deliberately not in the admin: administrators never see them.


@admin.register(Platform)
class PlatformAdmin(AuditedModelAdmin):
    list_display = ["name", "contact_email", "is_active", "created_at"]
    search_fields = ["name"]


@admin.register(PlatformToken)
class PlatformTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "platform", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["platform", "revoked_at"]
    fields: ClassVar[tuple[str, ...]] = (
        "prefix",
        "platform",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        for token in queryset:
            services.platform_token_revoke(acting_user=cast(User, request.user), token=token)
        messages.success(request, _("The tokens were revoked."))


class TriageRuleSetForm(forms.ModelForm):
    class Meta:
        model = TriageRuleSet
        fields = ["rules", "note"]

    def clean_rules(self):
        rules = self.cleaned_data["rules"]
        problems = validate_rules(rules)
        if problems:
            raise forms.ValidationError(problems)
        return rules


@admin.register(TriageRuleSet)
class TriageRuleSetAdmin(admin.ModelAdmin):
    """Rules are versioned: an administrator publishes a new version; old ones stay as they were."""

    form = TriageRuleSetForm
    list_display = ["version", "note", "created_by", "created_at"]
    readonly_fields = ["version", "created_by", "created_at"]

    def get_changeform_initial_data(self, request: HttpRequest) -> dict:
        _version, rules = services.triage_rules_current()
        return {"rules": rules}

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: TriageRuleSet, form: Any, change: bool) -> None:
        published = services.triage_rules_publish(
            acting_user=cast(User, request.user),
            rules=form.cleaned_data["rules"],
            note=form.cleaned_data["note"],
        )
        obj.pk, obj.version = published.pk, published.version
