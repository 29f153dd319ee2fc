"""A test-only model that uses the foundation's pieces the way the domain apps do."""

from django.db import models

from qorgau.core.enums import Role
from qorgau.core.fields import EncryptedJSONField, EncryptedTextField
from qorgau.core.models import Region, User
from qorgau.core.permissions import Scope, ScopedQuerySet, Visibility


class Dossier(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True)
    owner = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True)
    title = models.CharField(max_length=100)
    status = models.CharField(max_length=20, default="open")
    status_changed_at = models.DateTimeField(null=True, blank=True)
    narrative = EncryptedTextField(null=True, blank=True)
    identity = EncryptedJSONField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    visibility = Visibility(
        roles={
            Role.CENTRAL_OFFICE: Scope.ALL,
            Role.REGIONAL_CHIEF: Scope.REGION,
            Role.ANALYST: Scope.REGION,
            Role.PROSECUTOR: Scope.OWN,
        },
        region_field="region",
        owner_field="owner",
    )


class Unruled(models.Model):
    """A model that forgot to declare who may see it."""

    title = models.CharField(max_length=100)

    objects = ScopedQuerySet.as_manager()
