from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qorgau.core.admin import AuditedModelAdmin, ask_access_change
from qorgau.core.services import audit_append
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


# Who belongs to a partner organisation is a change of access (its members see the referrals sent
# to it): the admin asks a second person for a membership (core's four eyes, applied on approval
# through prevention/access.py) and never writes one itself. Ending one lowers access and is done at
# once, audited with the old and new organisation ids, like switching an account off.


def _partner_users() -> Any:
    from qorgau.core.models import User

    return User.objects.filter(role=policies.PARTNER_MEMBER_ROLE, is_active=True)


def _ask_membership(request: HttpRequest, user: Any, organisation_ids: list[int]) -> bool:
    return ask_access_change(
        request,
        cast(Any, request.user),
        user,
        role=user.role,
        region=user.region,
        is_active=user.is_active,
        partner_organisation_ids=organisation_ids,
    )


def _end_membership(request: HttpRequest, member: PartnerMember) -> None:
    user_id, organisation_id = member.user_id, member.organisation_id
    label, pk = member._meta.label_lower, member.pk
    member.delete()
    audit_append(
        actor=cast(Any, request.user),
        action="admin.delete",
        object_type=label,
        object_id=pk,
        details={
            "user_id": user_id,
            "old": {"partner_organisation_ids": [organisation_id]},
            "new": {"partner_organisation_ids": []},
        },
    )


class PartnerMemberInline(admin.TabularInline):
    model = PartnerMember
    extra = 1

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "user":
            kwargs["queryset"] = _partner_users()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(PartnerOrganisation)
class PartnerOrganisationAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "contact_email", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    inlines = [PartnerMemberInline]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """The members' rows: a removed member is removed (audited), an added one asked for."""
        if formset.model is not PartnerMember:
            super().save_formset(request, form, formset, change)
            return
        formset.save(commit=False)  # sorts the rows into new, changed and deleted; writes nothing
        for member in formset.deleted_objects:
            _end_membership(request, PartnerMember.objects.get(pk=member.pk))
        asked = list(formset.new_objects)
        for member, _fields in formset.changed_objects:
            before = PartnerMember.objects.get(pk=member.pk)
            if before.user_id != member.user_id:
                _end_membership(request, before)
                asked.append(member)
        for member in asked:
            _ask_membership(request, member.user, [form.instance.pk])


@admin.register(PartnerMember)
class PartnerMemberAdmin(AuditedModelAdmin):
    list_display = ["user", "organisation"]
    list_select_related = ["user", "organisation"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # another user is another membership: end this one and ask for the other
        return ["user"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "user":
            kwargs["queryset"] = _partner_users()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Ask a second person for the membership (or the move to another organisation)."""
        obj._asked_only = True
        if not change or "organisation" in form.changed_data:
            _ask_membership(request, obj.user, [obj.organisation_id])

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        _end_membership(request, obj)

    # Nothing was saved: no "added/changed successfully" and no admin log entry saying so.
    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        return (
            None
            if getattr(obj, "_asked_only", False)
            else super().log_addition(request, obj, message)
        )

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        return (
            None
            if getattr(obj, "_asked_only", False)
            else super().log_change(request, obj, message)
        )

    def response_add(self, request: HttpRequest, obj: Any, post_url_continue: Any = None) -> Any:
        return (
            self._to_list()
            if getattr(obj, "_asked_only", False)
            else super().response_add(request, obj, post_url_continue)
        )

    def response_change(self, request: HttpRequest, obj: Any) -> Any:
        return (
            self._to_list()
            if getattr(obj, "_asked_only", False)
            else super().response_change(request, obj)
        )

    def _to_list(self) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:prevention_partnermember_changelist"))
