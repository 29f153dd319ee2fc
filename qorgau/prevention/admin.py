from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from qorgau.core.admin import AuditedModelAdmin
from qorgau.prevention import policies
from qorgau.prevention.enums import InstructionLanguage
from qorgau.prevention.models import PartnerMember, PartnerOrganisation, School
from qorgau.prevention.services import parse_languages

# Reference data only. Teachers, trainings, rounds, referrals and guidance are managed in the staff
# pages by the roles they belong to; referrals are never shown to administrators.


class SchoolAdminForm(forms.ModelForm):
    languages = forms.CharField(
        label=_("Languages of instruction"),
        help_text=_("Codes separated by commas: %(codes)s.")
        % {"codes": ", ".join(InstructionLanguage.values)},
    )

    class Meta:
        model = School
        fields = ["name", "region", "district", "settlement", "settlement_kind", "pupils"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["languages"] = ", ".join(self.instance.languages)

    def clean_languages(self) -> list[str]:
        codes, unknown = parse_languages(self.cleaned_data["languages"])
        if unknown or not codes:
            raise forms.ValidationError(_("Give known language codes."))
        return codes

    def save(self, commit: bool = True) -> School:
        self.instance.languages = self.cleaned_data["languages"]
        return super().save(commit=commit)


@admin.register(School)
class SchoolAdmin(AuditedModelAdmin):
    form = SchoolAdminForm
    list_display = ["name", "region", "district", "settlement", "settlement_kind", "pupils"]
    list_filter = ["region", "settlement_kind"]
    search_fields = ["name", "settlement", "district"]
    list_select_related = ["region"]


class PartnerMemberInline(admin.TabularInline):
    model = PartnerMember
    extra = 1

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "user":
            from qorgau.core.models import User

            kwargs["queryset"] = User.objects.filter(
                role=policies.PARTNER_MEMBER_ROLE, is_active=True
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(PartnerOrganisation)
class PartnerOrganisationAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "contact_email", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    inlines = [PartnerMemberInline]


@admin.register(PartnerMember)
class PartnerMemberAdmin(AuditedModelAdmin):
    list_display = ["user", "organisation"]
    list_select_related = ["user", "organisation"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "user":
            from qorgau.core.models import User

            kwargs["queryset"] = User.objects.filter(
                role=policies.PARTNER_MEMBER_ROLE, is_active=True
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
