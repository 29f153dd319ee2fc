"""Every write of the guidance app: drafts and publishing, who may, and their audit entries."""

import pytest
from django.db import IntegrityError, transaction

from qorgau.core.errors import Conflict, InvalidInput, NotFound, PermissionRefused
from qorgau.core.models import AuditEntry
from qorgau.guidance import services
from qorgau.guidance.enums import VersionStatus
from qorgau.guidance.models import GuidanceVersion

pytestmark = pytest.mark.django_db


def actions():
    return list(AuditEntry.objects.values_list("action", flat=True))


def test_the_central_office_drafts_and_publishes_versions(central, guidance):
    published = GuidanceVersion.objects.get(page__slug="rights", language="en", status="published")
    draft = services.guidance_save_draft(
        acting_user=central,
        slug="rights",
        language="en",
        title="Your rights",
        body_markdown="## Safe\n\n<script>alert(1)</script> Text <b onclick='x()'>bold</b>",
    )
    assert draft.number == published.number + 1 and draft.status == VersionStatus.DRAFT
    assert "<script" not in draft.body_html and "onclick" not in draft.body_html
    services.guidance_publish(acting_user=central, version=draft)
    published.refresh_from_db()
    assert published.status == VersionStatus.SUPERSEDED
    assert (
        GuidanceVersion.objects.get(page__slug="rights", language="en", status="published") == draft
    )
    assert {"guidance.draft", "guidance.publish"} <= set(actions())
    services.guidance_publish(acting_user=central, version=published)  # back to the old text
    draft.refresh_from_db()
    assert draft.status == VersionStatus.SUPERSEDED


def test_only_the_central_office_edits_guidance(educator, guidance):
    with pytest.raises(PermissionRefused):
        services.guidance_save_draft(
            acting_user=educator, slug="rights", language="en", title="T", body_markdown="B"
        )


def test_a_draft_needs_a_title_and_a_text(central):
    with pytest.raises(InvalidInput) as exc:
        services.guidance_save_draft(
            acting_user=central, slug="rights", language="kk", title="", body_markdown=""
        )
    assert set(exc.value.errors) == {"title", "body_markdown"}
    with pytest.raises(NotFound):
        services.guidance_save_draft(
            acting_user=central, slug="nope", language="kk", title="T", body_markdown="B"
        )


def test_one_published_version_per_page_and_language_in_the_database(guidance):
    version = GuidanceVersion.objects.filter(page__slug="parents", language="ru").first()
    with pytest.raises(IntegrityError), transaction.atomic():
        GuidanceVersion.objects.create(
            page=version.page,
            language="ru",
            number=99,
            title="x",
            body_markdown="x",
            body_html="x",
            status="published",
        )


def test_a_refused_editor_leaves_only_the_refusal_in_the_audit_log(educator, guidance):
    versions, entries = GuidanceVersion.objects.count(), AuditEntry.objects.count()
    with pytest.raises(PermissionRefused) as refused:
        services.guidance_save_draft(
            acting_user=educator, slug="rights", language="en", title="T", body_markdown="B"
        )
    assert str(refused.value) == "Only the central office edits the guidance pages."
    assert GuidanceVersion.objects.count() == versions
    entry = AuditEntry.objects.order_by("seq")[entries:].get()
    assert (entry.action, entry.details) == (
        "refused",
        {"policy": "guidance.edit", "reason": "role"},
    )


def test_publishing_audits_the_version_published_and_the_one_it_replaces(central, guidance):
    published = GuidanceVersion.objects.get(page__slug="rights", language="kk", status="published")
    draft = services.guidance_save_draft(
        acting_user=central, slug="rights", language="kk", title="T", body_markdown="B"
    )
    services.guidance_publish(acting_user=central, version=draft)
    draft.refresh_from_db()
    assert draft.published_by == central and draft.published_at is not None
    entries = {e.action: e for e in AuditEntry.objects.filter(action__startswith="guidance.")}
    assert entries["guidance.supersede"].object_id == str(published.pk)
    assert entries["guidance.supersede"].details["to"] == "superseded"
    assert entries["guidance.publish"].object_id == str(draft.pk)
    assert entries["guidance.publish"].details == {
        "from": "draft",
        "to": "published",
        "page": "rights",
        "language": "kk",
        "version": draft.number,
    }
    assert entries["guidance.publish"].object_type == "guidance.guidanceversion"


def test_publishing_a_published_or_meanwhile_changed_version_is_a_conflict(central, guidance):
    published = GuidanceVersion.objects.get(page__slug="rights", language="ru", status="published")
    before = AuditEntry.objects.count()
    with pytest.raises(Conflict):
        services.guidance_publish(acting_user=central, version=published)
    draft = services.guidance_save_draft(
        acting_user=central, slug="rights", language="ru", title="T", body_markdown="B"
    )
    stale = GuidanceVersion.objects.get(pk=draft.pk)
    services.guidance_publish(acting_user=central, version=draft)
    published.refresh_from_db()
    services.guidance_publish(acting_user=central, version=published)  # someone brings it back
    with pytest.raises(Conflict):
        services.guidance_publish(acting_user=central, version=stale)  # still says "draft"
    assert GuidanceVersion.objects.get(pk=published.pk).status == VersionStatus.PUBLISHED
    assert AuditEntry.objects.count() == before + 1 + 2 + 2
