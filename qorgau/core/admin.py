from __future__ import annotations

from typing import Any, ClassVar, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from qorgau.core import policies, selectors, services
from qorgau.core.errors import ServiceError
from qorgau.core.models import (
    AccessChange,
    Alert,
    ApiToken,
    AuditEntry,
    CriminalArticle,
    Delivery,
    Helpline,
    RecoveryCodeSet,
    Region,
    StaffTOTPDevice,
    User,
)


class AuditedModelAdmin(admin.ModelAdmin):
    """Every add, change and delete made in the admin is written to the audit log (no values)."""

    def save_model(self, request: HttpRequest, obj: models.Model, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        services.audit_append(
            actor=cast(User, request.user),  # the admin lets only staff in
            action="admin.change" if change else "admin.add",
            obj=obj,
            region=getattr(obj, "region", None) if isinstance(obj, User) else None,
            details={"fields": sorted(form.changed_data)},
        )

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        label, pk = obj._meta.label_lower, obj.pk
        super().delete_model(request, obj)
        services.audit_append(
            actor=cast(User, request.user), action="admin.delete", object_type=label, object_id=pk
        )

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(Region)
class RegionAdmin(AuditedModelAdmin):
    list_display = ["code", "name_kk", "name_ru", "name_en", "kind"]
    search_fields = ["code", "name_kk", "name_ru", "name_en"]
    readonly_fields = ["code"]


@admin.register(CriminalArticle)
class CriminalArticleAdmin(AuditedModelAdmin):
    list_display = ["number", "title_ru", "title_en", "covered_by_default"]
    list_filter = ["covered_by_default"]


@admin.register(Helpline)
class HelplineAdmin(AuditedModelAdmin):
    list_display = ["number", "name_ru", "name_en", "hours", "audience", "position", "is_active"]
    list_editable = ["position", "is_active"]


# What an administrator fills in for a new account (the password fields come after).
NEW_ACCOUNT_FIELDS = [
    "username",
    "full_name",
    "email",
    "mobile",
    "role",
    "region",
    "gender",
    "language",
]


class MobileFieldMixin:
    """The mobile number as people write it ("8 (701) 123-45-67", longer than the stored
    +77011234567), saved in one writing; anything but a mobile number is refused."""

    fields: dict[str, Any]
    cleaned_data: dict[str, Any]

    def _widen_mobile(self) -> None:
        field = self.fields.get("mobile")
        if field is not None:
            field.max_length = 40
            field.validators = []
            field.widget.attrs.update(maxlength="40", inputmode="tel", autocomplete="tel")

    def clean_mobile(self) -> str:
        from qorgau.core.phones import normalise_mobile

        value = (self.cleaned_data.get("mobile") or "").strip()
        return normalise_mobile(value) if value else ""


class QorgauUserCreationForm(MobileFieldMixin, AdminUserCreationForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._widen_mobile()

    class Meta:
        model = User
        fields = NEW_ACCOUNT_FIELDS


class QorgauUserChangeForm(MobileFieldMixin, UserChangeForm):
    # Where a clinician works (the offenders app's facilities, asked through core.registry): a change
    # of access like the role, so it waits for approval too.
    facilities = forms.ModelMultipleChoiceField(
        label=_("facilities"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Only for clinicians: the facilities whose inmates they see."),
    )
    access_reason = forms.CharField(
        label=_("reason for the change of access"),
        required=False,
        max_length=500,
        help_text=_("What the approver reads: why this person needs the new access."),
    )

    class Meta:
        model = User
        fields = "__all__"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._widen_mobile()
        hooks = selectors.facility_hooks()
        if "facilities" in self.fields and hooks is not None:
            field = cast(forms.ModelMultipleChoiceField, self.fields["facilities"])
            field.queryset = hooks.facility_choices()
            self.initial["facilities"] = selectors.facility_ids_of(self.instance) or []


# What an administrator's save of an account does not apply itself but asks a second person for.
ACCESS_FORM_FIELDS = ("role", "region", "is_active", "facilities", "access_reason")


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    form = QorgauUserChangeForm
    add_form = QorgauUserCreationForm
    list_display = ["username", "full_name", "role", "region", "gender", "is_active", "last_login"]
    list_filter = ["role", "region", "is_active"]
    search_fields = ["username", "full_name", "email"]
    ordering = ["username"]
    filter_horizontal: ClassVar[list[str]] = []
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Person"), {"fields": ["full_name", "email", "mobile", "gender", "language"]}),
        (
            _("Access (changes wait for a second person's approval)"),
            {"fields": ["role", "region", "facilities", "is_active", "access_reason"]},
        ),
        (_("Dates"), {"fields": ["last_login", "created_at"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [*NEW_ACCOUNT_FIELDS, "usable_password", "password1", "password2"],
            },
        )
    ]
    readonly_fields = ["last_login", "created_at"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # people are switched off, never deleted: the audit log points at them

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> Any:
        target = self.get_object(request, id)
        _refuse_guarded(request, target, "core.set_password")
        return super().user_change_password(request, id, form_url)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Save what is not access at once; ask a second person for the access (four eyes).

        A new account is made switched off, with the role and region asked for, and switching it on
        waits for approval. On an existing account a change of role, region or facilities, or
        switching it back on, becomes a pending `AccessChange`; switching an account off is never
        delayed (someone left, an account is misused) and is audited with both values.
        """
        actor = cast(User, request.user)
        if not change:
            obj.is_active = False
            super().save_model(request, obj, form, change)
            self._ask(request, actor, obj, is_active=True, facility_ids=None)
            return
        before = User.objects.get(pk=obj.pk)
        asked = {name: getattr(obj, name) for name in ("role", "region", "is_active")}
        facility_ids = self._facilities_asked(form, obj)
        switched_off = before.is_active and not obj.is_active
        obj.role, obj.region = before.role, before.region
        obj.is_active = False if switched_off else before.is_active
        saved = [n for n in form.changed_data if n not in ACCESS_FORM_FIELDS]
        if switched_off:
            saved.append("is_active")
        if saved:
            obj.save()
            services.audit_append(
                actor=actor,
                action="admin.change",
                obj=obj,
                region=obj.region,
                details={
                    "fields": sorted(saved),
                    **(
                        {"old": {"is_active": True}, "new": {"is_active": False}}
                        if switched_off
                        else {}
                    ),
                },
            )
        wants = (
            asked["role"] != before.role
            or asked["region"] != before.region
            or (asked["is_active"] and not before.is_active)
            or facility_ids is not None
        )
        if wants:
            self._ask(
                request,
                actor,
                obj,
                role=asked["role"],
                region=asked["region"],
                is_active=obj.is_active or asked["is_active"],
                facility_ids=facility_ids,
                reason=form.cleaned_data.get("access_reason", ""),
            )

    def _facilities_asked(self, form: Any, obj: Any) -> list[int] | None:
        """The facilities asked for, when the form changed them (else None: left alone)."""
        if "facilities" not in form.changed_data:
            return None
        asked = sorted(f.pk for f in form.cleaned_data.get("facilities") or [])
        return None if asked == (selectors.facility_ids_of(obj) or []) else asked

    def _ask(
        self,
        request: HttpRequest,
        actor: User,
        obj: Any,
        *,
        is_active: bool,
        facility_ids: list[int] | None,
        role: str | None = None,
        region: Any = None,
        reason: str = "",
    ) -> None:
        ask_access_change(
            request,
            actor,
            obj,
            role=role if role is not None else obj.role,
            region=region if role is not None else obj.region,
            is_active=is_active,
            facility_ids=facility_ids,
            reason=reason,
        )


def ask_access_change(
    request: HttpRequest,
    actor: User,
    user: Any,
    *,
    role: str,
    region: Any,
    is_active: bool,
    facility_ids: list[int] | None = None,
    partner_organisation_ids: list[int] | None = None,
    reason: str = "",
) -> bool:
    """Ask a second person for this change of `user`'s access and tell the administrator so (or
    why it cannot be asked for); True when it was asked for. Used by the other apps' admins too."""
    try:
        services.access_change_request(
            acting_user=actor,
            user=user,
            role=role,
            region=region,
            is_active=is_active,
            facility_ids=facility_ids,
            partner_organisation_ids=partner_organisation_ids,
            reason=reason,
        )
    except ServiceError as error:
        messages.error(request, error.message)
        return False
    messages.warning(
        request,
        gettext(
            "The change of access of “%(name)s” waits for approval by the security officer "
            "or another administrator; until then the account keeps its present access."
        )
        % {"name": user.get_username()},
    )
    return True


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record nobody edits in the admin (the audit log, changes of access): listed and opened,
    never added, changed or deleted here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AccessChange)
class AccessChangeAdmin(ReadOnlyAdmin):
    """Read only: changes are asked for on the account and decided at /staff/access/."""

    list_display = ["created_at", "user", "requested_by", "old_role", "new_role", "status"]
    list_filter = ["status"]
    list_select_related = ["user", "requested_by"]
    readonly_fields = [f.name for f in AccessChange._meta.fields]


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    """Read only: alerts are raised by the system and acknowledged by the people they reached."""

    list_display = ["created_at", "kind", "object_ref", "region", "level", "acknowledged_at"]
    list_filter = ["kind", "level", "region"]
    search_fields = ["object_ref"]
    list_select_related = ["region"]
    readonly_fields = [f.name for f in Alert._meta.fields]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    """The e-mails and SMS of alerts: what was sent, what failed and why (never the address)."""

    list_display = ["created_at", "channel", "status", "attempts", "last_error", "sent_at"]
    list_filter = ["channel", "status"]
    readonly_fields = [f.name for f in Delivery._meta.fields]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "prefix",
        "user",
        "name",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["revoked_at"]
    search_fields = ["prefix", "user__username", "name"]
    actions = ["revoke"]
    fields: ClassVar[tuple[str, ...]] = (
        "prefix",
        "user",
        "name",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        for token in queryset.select_related("user__region"):
            services.api_token_revoke(acting_user=cast(User, request.user), token=token)
        messages.success(request, _("The tokens were revoked."))


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = [
        "seq",
        "created_at",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "region",
    ]
    list_filter = ["action"]
    search_fields = ["actor_label", "object_id"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]


# Authenticators and recovery codes: an administrator sees who has them; a lost phone is the security
# officer's to reset (/staff/people/), never the administrator's, who sets passwords. Keys and codes
# are never shown: the admin lists only the owner, dates and state, with no key field, QR code view
# or codes inline. django-otp's TOTPDevice keeps its keys in clear and is no
# longer used (core migration 0006); its StaticDevice is shown as core's RecoveryCodeSet (a proxy with
# translatable names).
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)


def _refuse_guarded(request: HttpRequest, target: Any, what: str) -> None:
    """403 (audited) when `target`'s password or second factor is not the admin's to reset: they
    decide changes of access, and whoever holds their sign-in would be the second person."""
    if policies.credentials_guarded(request.user, target):
        services.audit_append(
            actor=cast(User, request.user),
            action="refused",
            obj=target,
            details={"policy": what, "reason": "guards_access"},
        )
        raise PermissionDenied


class _AddedFilter(admin.DateFieldListFilter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.title = _("added")


class _LastUsedFilter(admin.DateFieldListFilter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.title = _("last used")


class SecondFactorAdmin(AuditedModelAdmin):
    """A member of staff's authenticator or recovery codes: whose, since when, last used; never a
    secret. django-otp's fields have English-only names, so every column and field shown here is a
    method with a translated name."""

    list_display = ["owner", "added", "last_used", "in_use"]
    list_filter = [("created_at", _AddedFilter), ("last_used_at", _LastUsedFilter)]
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user"]
    fields: ClassVar[tuple[str, ...]] = ("owner", "added", "last_used", "in_use")
    readonly_fields = fields
    ordering = ["-created_at"]

    @admin.display(description=_("member of staff"), ordering="user__username")
    def owner(self, obj: Any) -> str:
        return str(obj.user)

    @admin.display(description=_("added"), ordering="created_at")
    def added(self, obj: Any) -> Any:
        return obj.created_at

    @admin.display(description=_("last used"), ordering="last_used_at")
    def last_used(self, obj: Any) -> Any:
        return obj.last_used_at

    @admin.display(description=_("confirmed"), boolean=True)
    def in_use(self, obj: Any) -> bool:
        return obj.confirmed

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Separation of duties: the administrator sets passwords, the security officer removes a
        # lost authenticator (/staff/people/, core.reset_second_factor); whoever could do both
        # could sign in as anyone, a central-office account included.
        return False


@admin.register(StaffTOTPDevice)
class AuthenticatorAdmin(SecondFactorAdmin):
    pass


@admin.register(RecoveryCodeSet)
class RecoveryCodesAdmin(SecondFactorAdmin):
    pass
