from __future__ import annotations

import contextlib
import os
import secrets
import time
from base64 import b32encode
from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin, UserManager
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice

from qorgau.core import policies
from qorgau.core.enums import (
    REGIONAL_ROLES,
    Gender,
    HelplineAudience,
    Language,
    RegionKind,
    Role,
)
from qorgau.core.fields import EncryptedBinaryField
from qorgau.core.permissions import ScopedQuerySet
from qorgau.core.phones import normalise_mobile, validate_mobile


def new_public_id() -> str:
    """A random identifier for URLs (never the sequential primary key); each app's migrations name
    it through the app's models module, which imports it from here."""
    return secrets.token_urlsafe(9)


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class LocalizedNameMixin:
    """Reference rows carry their names in kk/ru/en; `name` is the one of the active language."""

    def localized(self, prefix: str) -> str:
        language = (get_language() or "ru")[:2]
        if language not in Language.values:
            language = Language.RUSSIAN
        return getattr(self, f"{prefix}_{language}") or getattr(self, f"{prefix}_ru")


class Region(LocalizedNameMixin, TimeStamped):
    code = models.CharField(
        _("code"), max_length=8, unique=True, help_text="ISO 3166-2:KZ, e.g. KZ-75"
    )
    name_kk = models.CharField(_("name (Kazakh)"), max_length=120)
    name_ru = models.CharField(_("name (Russian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=RegionKind.choices)
    centre_en = models.CharField(_("administrative centre"), max_length=80, blank=True)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.localized("name")


class CriminalArticle(LocalizedNameMixin, TimeStamped):
    number = models.CharField(_("article"), max_length=10, unique=True)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=300)
    title_ru = models.CharField(_("title (Russian)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)
    covered_by_default = models.BooleanField(
        _("covered by the assignment policy by default"), default=False
    )

    class Meta:
        ordering = ["number"]
        verbose_name = _("Criminal Code article")
        verbose_name_plural = _("Criminal Code articles")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def title(self) -> str:
        return self.localized("title")


class Helpline(LocalizedNameMixin, TimeStamped):
    number = models.CharField(_("number"), max_length=20, unique=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    hours = models.CharField(_("hours"), max_length=40, default="24/7")
    audience = models.CharField(_("for"), max_length=12, choices=HelplineAudience.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("shown"), default=True)

    class Meta:
        ordering = ["position", "number"]
        verbose_name = _("helpline")
        verbose_name_plural = _("helplines")

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def hours_label(self) -> str:
        """The hours as the page's language says them ("тәулік бойы", not "24/7")."""
        if self.hours.strip() == "24/7":
            return str(pgettext_lazy("helpline hours", "around the clock"))
        return self.hours

    @property
    def name(self) -> str:
        return self.localized("name")


class UserQuerySet(ScopedQuerySet):
    pass


class QorgauUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


# django-otp's Device (untyped) declares the user foreign key of StaffTOTPDevice.
class User(AbstractBaseUser, PermissionsMixin, TimeStamped):  # type: ignore[django-manager-missing]
    """A member of staff. The public and platforms never have a user account."""

    username = models.CharField(
        _("username"), max_length=150, unique=True, validators=[UnicodeUsernameValidator()]
    )
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    # For urgent alerts by SMS; saved as E.164 (+77011234567), a mobile number only.
    mobile = models.CharField(
        _("mobile phone"),
        max_length=16,
        blank=True,
        validators=[validate_mobile],
        help_text=_("Urgent alerts are sent to it by SMS. For example +7 701 123 45 67."),
    )
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.RUSSIAN
    )
    is_active = models.BooleanField(_("active"), default=True)
    # "Start my duty" / "End my duty": an override of the rota (core/duty.py) until this moment,
    # on duty (`duty_override_on`) or off it (ended early during a shift of the rota).
    duty_override_until = models.DateTimeField(_("duty override until"), null=True, blank=True)
    duty_override_on = models.BooleanField(_("on duty by override"), default=False)

    objects = QorgauUserManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["role"]

    visibility = policies.USER_VISIBILITY

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(region__isnull=False) | ~Q(role__in=sorted(REGIONAL_ROLES)),
                name="core_user_regional_role_has_region",
                violation_error_message=_("This role works in one region: choose the region."),
            ),
            models.CheckConstraint(
                condition=~Q(role=policies.ROLE_NEEDING_GENDER) | Q(gender__in=Gender.values),
                name="core_user_prosecutor_has_gender",
                violation_error_message=_(
                    "A prosecutor's gender is needed by the assignment policy."
                ),
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="core_user_role_valid"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def clean_fields(self, exclude: Any = None) -> None:
        # One writing of each number, before the field's checks: "8 (701) 123-45-67" is saved as
        # +77011234567; what is not a mobile number is left for `validate_mobile` to refuse.
        if self.mobile and (not exclude or "mobile" not in exclude):
            from django.core.exceptions import ValidationError

            with contextlib.suppress(ValidationError):
                self.mobile = normalise_mobile(self.mobile)
        super().clean_fields(exclude=exclude)

    @property
    def is_staff(self) -> bool:
        """Only administrators (and superusers) reach the Django admin."""
        return self.is_active and (self.role in policies.ADMIN_ROLES or self.is_superuser)

    @property
    def is_regional(self) -> bool:
        return self.role in REGIONAL_ROLES

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.username


class ApiToken(TimeStamped):
    """A personal bearer token of a member of staff: it carries exactly its user's permissions.

    Only a SHA-256 digest of the secret is kept: tokens are 256-bit random values, so a fast hash is
    as safe as a slow one and keeps every API request cheap.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user.username})"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now and self.user.is_active


class AuditChainHead(models.Model):
    """The single row that serialises appends to the audit chain (locked FOR UPDATE by each append)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="core_auditchainhead_single")]

    def __str__(self) -> str:
        return f"audit chain head #{self.seq}"


class AuditEntryQuerySet(ScopedQuerySet):
    pass


class AuditEntry(models.Model):
    """One append-only, hash-chained entry of the audit log. Never holds a personal value itself."""

    seq = models.PositiveBigIntegerField(unique=True)
    created_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=True
    )
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The client's address: in full for QORGAU_ADDRESS_RETENTION_DAYS, then cut to its network
    # (IPv4 /24, IPv6 /48) by `tick`. From chain version 2 the hash covers the network and a
    # commitment to the full address (sha256 of `ip_salt` and the address); `ip_salt` is erased
    # when the address is cut, so the commitment no longer reveals it (core/audit_chain.py).
    ip = models.GenericIPAddressField(null=True, blank=True)
    ip_commitment = models.CharField(max_length=64, blank=True, default="")
    ip_salt = models.CharField(max_length=32, blank=True, default="")
    details = models.JSONField(default=dict, blank=True)
    # 1: entries written before addresses were cut (their hash covers the address itself).
    chain_version = models.PositiveSmallIntegerField(default=1)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditEntryQuerySet.as_manager()

    visibility = policies.AUDIT_VISIBILITY

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit entries are append-only")


class TokenBucket(models.Model):
    """A rate limit in the database, shared by every app server (Healthchecks' TokenBucket).

    `key` is a keyed hash of the scope and what is limited (an address, a report), never the value.
    """

    key = models.CharField(max_length=64, unique=True)
    tokens = models.FloatField()
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.key[:8]}… {self.tokens:.1f}"


class Notification(models.Model):
    """An alert (`core.Alert`) as it reached one member of staff: in the app, with its e-mail and SMS
    (`deliveries`). `kind`, `object_ref` and `url` are the alert's, kept here for the lists."""

    alert = models.ForeignKey("core.Alert", on_delete=models.CASCADE, related_name="notifications")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=32)
    object_ref = models.CharField(max_length=64)
    url = models.CharField(max_length=300)
    # The alert's level when it reached this person (0 first recipients, 1 chief, 2 national desk).
    level = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    visibility = policies.NOTIFICATION_VISIBILITY

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "object_ref"], name="core_notification_once"
            )
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="core_notification_unread")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_ref}"


def totp_key_default() -> bytes:
    """A new authenticator secret: 20 random bytes (160 bits, RFC 4226's recommendation)."""
    return os.urandom(20)


class StaffTOTPDevice(TimestampMixin, ThrottlingMixin, Device):
    """A member of staff's authenticator app (TOTP, RFC 6238): django-otp's TOTPDevice, with the
    secret key encrypted at rest (`EncryptedBinaryField`, re-wrapped by `rotate_master_key`).

    The other columns and `verify_token` behave as django-otp 1.7's TOTPDevice: `step`, `t0`,
    `digits`, `tolerance` steps either way, `drift` followed when OTP_TOTP_SYNC, and `last_t`, the
    step of the last accepted code, so that a code is accepted once. django-otp finds this model as
    any other device (`devices_for_user`, the session's `core.stafftotpdevice/<id>`).
    """

    key = EncryptedBinaryField(default=totp_key_default)
    # Annotated: django-otp's base classes are untyped, so the plugin cannot infer these fields.
    step: models.PositiveSmallIntegerField[int, int] = models.PositiveSmallIntegerField(default=30)
    t0: models.BigIntegerField[int, int] = models.BigIntegerField(default=0)
    digits: models.PositiveSmallIntegerField[int, int] = models.PositiveSmallIntegerField(
        choices=[(6, 6), (8, 8)], default=6
    )
    tolerance: models.PositiveSmallIntegerField[int, int] = models.PositiveSmallIntegerField(
        default=1
    )
    drift: models.SmallIntegerField[int, int] = models.SmallIntegerField(default=0)
    last_t: models.BigIntegerField[int, int] = models.BigIntegerField(default=-1)

    class Meta(Device.Meta):
        verbose_name = _("authenticator")
        verbose_name_plural = _("authenticators")

    @property
    def bin_key(self) -> bytes:
        return bytes(self.key)

    def get_throttle_factor(self) -> int:
        return getattr(settings, "OTP_TOTP_THROTTLE_FACTOR", 1)

    def verify_token(self, token: Any) -> bool:
        """Whether `token` is a code of this device not older than the last one accepted.

        Saves only the verification state: the key column is written once, at creation (and by
        key rotation), never by a sign-in."""
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        try:
            number = int(token)
        except (TypeError, ValueError):
            verified = False
        else:
            totp = TOTP(self.bin_key, self.step, self.t0, self.digits, self.drift)
            totp.time = time.time()
            verified = totp.verify(number, self.tolerance, self.last_t + 1)
        if verified:
            self.last_t = totp.t()
            if getattr(settings, "OTP_TOTP_SYNC", True):
                self.drift = totp.drift
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save(
                update_fields=[
                    "last_t",
                    "drift",
                    "throttling_failure_timestamp",
                    "throttling_failure_count",
                    "last_used_at",
                ]
            )
        else:
            self.throttle_increment(commit=False)
            self.save(update_fields=["throttling_failure_timestamp", "throttling_failure_count"])
        return verified

    @property
    def config_url(self) -> str:
        """The otpauth:// URL an authenticator app reads from the QR code (as TOTPDevice's)."""
        label = str(self.user.get_username())
        params = urlencode(
            {
                "secret": b32encode(self.bin_key),
                "algorithm": "SHA1",
                "digits": self.digits,
                "period": self.step,
            }
        )
        issuer = getattr(settings, "OTP_TOTP_ISSUER", None)
        if callable(issuer):
            issuer = issuer(self)
        if isinstance(issuer, str) and issuer:
            issuer = issuer.replace(":", "")
            label = f"{issuer}:{label}"
            params += f"&issuer={quote(issuer)}"
        return f"otpauth://totp/{quote(label)}?{params}"


class RecoveryCodeSet(StaticDevice):
    """django-otp's StaticDevice (one user's recovery codes, stored as keyed hashes) under a name the
    admin can show in Kazakh, Russian and English: django-otp's own model names are not translatable."""

    class Meta:
        proxy = True
        verbose_name = _("set of recovery codes")
        verbose_name_plural = _("recovery codes")


# Changes of access waiting for a second person (four eyes), in their own module for size.
from qorgau.core.access_models import AccessChange  # noqa: E402, F401

# Alerts and their e-mails and SMS, in their own module for size.
from qorgau.core.alert_models import Alert, Delivery  # noqa: E402, F401

# The duty rota (shifts and weekly patterns), in its own module for size.
from qorgau.core.duty_models import DutyPattern, DutyShift  # noqa: E402, F401
