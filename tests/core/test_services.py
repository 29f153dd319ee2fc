"""Core services: the audit chain, users and API tokens."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connections
from django.utils import timezone

from qorgau.core import services
from qorgau.core.audit_chain import GENESIS_HASH, verify_chain
from qorgau.core.enums import Role
from qorgau.core.models import ApiToken, AuditChainHead, AuditEntry


def verify() -> tuple:
    head = AuditChainHead.objects.get(pk=1)
    return verify_chain(AuditEntry.objects.order_by("seq"), head_seq=head.seq, head_hash=head.hash)


@pytest.mark.django_db
class TestAuditAppend:
    def test_entries_are_chained_in_order(self, analyst):
        first = services.audit_append(actor=analyst, action="test.one", details={"k": "v"})
        second = services.audit_append(actor=analyst, action="test.two", obj=analyst)
        assert second.seq == first.seq + 1
        assert second.prev_hash == first.hash
        assert second.object_type == "core.user" and second.object_id == str(analyst.pk)
        assert verify() == (AuditEntry.objects.count(), None)

    def test_the_first_entry_links_to_the_genesis_hash(self, db):
        assert not AuditEntry.objects.exists()
        entry = services.audit_append(actor=None, action="x")
        assert entry.seq == 1 and entry.prev_hash == GENESIS_HASH

    def test_awkward_content_is_hashed_exactly_as_the_verifier_reads_it(self, analyst, almaty):
        """On PostgreSQL the database computes the hash: quotes, backslashes, Kazakh and Russian
        letters, a stand-in for the chain's own fields and an IP must all verify afterwards."""
        awkward = {
            "note": 'Қазақ "тілі" \\ русский\n\t',
            "prev_hash": "0" * 64,
            "seq": 7,
            "nested": {"b": [1, 2.5, None, True], "a": "}"},
        }
        entry = services.audit_append(
            actor=analyst,
            action="test.awkward",
            object_type="core.user",
            object_id="42",
            region=almaty,
            ip="2001:db8::1",
            details=awkward,
        )
        stored = AuditEntry.objects.get(pk=entry.pk)
        assert stored.hash == entry.hash and stored.seq == entry.seq
        assert stored.details == awkward and stored.ip == "2001:db8::1"
        assert AuditChainHead.objects.get(pk=1).hash == entry.hash
        assert verify() == (AuditEntry.objects.count(), None)

    def test_entries_cannot_be_changed_or_deleted_through_the_model(self, analyst):
        entry = services.audit_append(actor=analyst, action="test.one")
        with pytest.raises(PermissionError):
            entry.save()
        with pytest.raises(PermissionError):
            entry.delete()

    def test_a_personal_view_names_fields_never_values(self, analyst):
        entry = services.audit_personal_view(
            actor=analyst, obj=analyst, fields=["narrative", "contact"]
        )
        assert entry.action == "personal.view"
        assert entry.details == {"fields": ["contact", "narrative"]}


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain(reference_data):
    """Eight writers appending at once, each in its own transaction and connection."""
    writers, per_writer = 8, 40
    errors: list[BaseException] = []
    start = threading.Barrier(writers)

    def write(n: int) -> None:
        try:
            start.wait()
            for i in range(per_writer):
                services.audit_append(
                    actor=None, action="test.concurrent", details={"w": n, "i": i}
                )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    checked, problem = verify()
    assert problem is None
    assert AuditEntry.objects.filter(action="test.concurrent").count() == writers * per_writer
    assert checked == AuditEntry.objects.count()


@pytest.mark.django_db
class TestUsers:
    def test_a_regional_role_needs_a_region(self, reference_data):
        with pytest.raises(ValidationError, match="choose the region"):
            services.user_create(acting_user=None, username="x", role=Role.ANALYST, password=None)

    def test_a_prosecutor_needs_a_gender(self, almaty):
        with pytest.raises(ValidationError, match="gender"):
            services.user_create(
                acting_user=None, username="p", role=Role.PROSECUTOR, password=None, region=almaty
            )

    def test_creating_a_user_is_audited(self, admin_user, almaty):
        user = services.user_create(
            acting_user=admin_user,
            username="newbie",
            role=Role.ANALYST,
            password="x" * 14,
            region=almaty,
        )
        entry = AuditEntry.objects.get(action="user.create", object_id=str(user.pk))
        assert entry.actor == admin_user and entry.region == almaty


@pytest.mark.django_db
class TestApiTokens:
    def test_a_token_authenticates_its_user_and_is_stored_hashed(self, analyst):
        row, token = services.api_token_create(acting_user=None, user=analyst)
        assert services.api_token_authenticate(token=token) == analyst
        stored = ApiToken.objects.get(pk=row.pk)
        assert token not in (stored.digest, stored.prefix)
        assert token.split("_", 2)[2] not in stored.digest

    def test_an_expired_token_is_refused(self, analyst):
        row, token = services.api_token_create(acting_user=None, user=analyst, days=1)
        ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
        assert services.api_token_authenticate(token=token) is None

    def test_a_revoked_token_is_refused_and_the_revocation_audited(self, analyst, admin_user):
        row, token = services.api_token_create(acting_user=None, user=analyst)
        services.api_token_revoke(acting_user=admin_user, token=row)
        assert services.api_token_authenticate(token=token) is None
        assert AuditEntry.objects.filter(action="api_token.revoke", actor=admin_user).exists()

    def test_a_switched_off_user_loses_the_token(self, analyst):
        _, token = services.api_token_create(acting_user=None, user=analyst)
        analyst.is_active = False
        analyst.save(update_fields=["is_active"])
        assert services.api_token_authenticate(token=token) is None

    def test_garbage_is_refused(self, db):
        assert services.api_token_authenticate(token="qg_nothing_here") is None
        assert services.api_token_authenticate(token="Bearer x") is None


@pytest.mark.django_db
class TestRecoveryCodes:
    def test_codes_are_kept_only_as_keyed_hashes_and_each_works_once(self, analyst):
        from django_otp.plugins.otp_static.models import StaticToken

        codes = services.recovery_codes_replace(user=analyst)
        stored = set(StaticToken.objects.values_list("token", flat=True))
        assert len(stored) == len(codes) and not stored & set(codes)
        assert services.otp_verify(user=analyst, token=codes[3].upper(), ip=None) is not None
        assert services.otp_verify(user=analyst, token=codes[3], ip=None) is None
        assert StaticToken.objects.count() == len(codes) - 1

    def test_another_users_code_does_not_open_this_account(self, analyst, outsider):
        mine = services.recovery_codes_replace(user=analyst)
        services.recovery_codes_replace(user=outsider)
        assert services.otp_verify(user=outsider, token=mine[0], ip=None) is None

    def test_codes_survive_a_secret_key_rotation_with_the_old_key_kept_as_fallback(
        self, analyst, settings
    ):
        codes = services.recovery_codes_replace(user=analyst)
        old = settings.SECRET_KEY
        settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-" + old, [old]
        assert services.otp_verify(user=analyst, token=codes[0], ip=None) is not None
        settings.SECRET_KEY_FALLBACKS = []
        assert services.otp_verify(user=analyst, token=codes[1], ip=None) is None

    def test_codes_kept_in_clear_before_are_hashed_by_the_migration_and_still_work(self, analyst):
        import importlib

        from django.apps import apps
        from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

        device = StaticDevice.objects.create(user=analyst, name="recovery codes", confirmed=True)
        StaticToken.objects.create(device=device, token="abcd2345")
        migration = importlib.import_module("qorgau.core.migrations.0004_hash_recovery_codes")
        migration.hash_plain_codes(apps, None)
        migration.hash_plain_codes(apps, None)  # run twice: a hash is left as it is
        assert StaticToken.objects.get().token != "abcd2345"
        assert services.otp_verify(user=analyst, token="ABCD 2345", ip=None) is not None
