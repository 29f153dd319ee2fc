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
from tests.conftest import totp_code, totp_device_for


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

    def test_an_account_an_administrator_makes_is_off_until_a_second_person_approves(
        self, admin_user, almaty
    ):
        from qorgau.core.models import AccessChange

        user = services.user_create(
            acting_user=admin_user,
            username="newbie",
            role=Role.ANALYST,
            password=None,
            region=almaty,
        )
        assert not user.is_active
        change = AccessChange.objects.pending().get(user=user)
        assert change.requested_by == admin_user and change.new_is_active

    def test_the_system_makes_active_accounts(self, almaty):
        user = services.user_create(
            acting_user=None, username="demo", role=Role.ANALYST, password=None, region=almaty
        )
        assert user.is_active


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

    def test_codes_survive_a_secret_key_rotation_even_without_the_old_key_as_fallback(
        self, analyst, settings
    ):
        codes = services.recovery_codes_replace(user=analyst)
        settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-" + settings.SECRET_KEY, []
        assert services.otp_verify(user=analyst, token=codes[0], ip=None) is not None

    def test_codes_survive_a_lookup_key_change_while_the_old_key_is_kept_as_previous(
        self, analyst, settings
    ):
        from qorgau.core.keys import generate_master_key

        codes = services.recovery_codes_replace(user=analyst)
        old = settings.QORGAU_LOOKUP_KEY
        settings.QORGAU_LOOKUP_KEY, settings.QORGAU_PREVIOUS_LOOKUP_KEYS = (
            generate_master_key(),
            [old],
        )
        assert services.otp_verify(user=analyst, token=codes[0], ip=None) is not None
        settings.QORGAU_PREVIOUS_LOOKUP_KEYS = []
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


def stored_key_columns() -> list[bytes]:
    """Every value of every column of every authenticator table, as the database holds it (a raw
    cursor: no decryption), for whoever reads the database or a backup."""
    from django.db import connection

    values = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if table.endswith("totpdevice"):
                cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
                for row in cursor.fetchall():
                    values += [v if isinstance(v, bytes | memoryview) else str(v) for v in row]
    return [bytes(v) if isinstance(v, memoryview) else v for v in values]


def clear_totp_device(user, **state):
    """An authenticator as django-otp's TOTPDevice kept it before core migration 0006: key in clear."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, **{"name": "phone", "confirmed": True, **state})


def code_now(key: bytes, *, drift: int = 0) -> str:
    import time

    from django_otp.oath import TOTP

    totp = TOTP(key, 30, 0, 6, drift)
    totp.time = time.time()
    return f"{totp.token():06d}"


@pytest.mark.django_db
class TestAuthenticatorKeys:
    def test_the_key_is_not_in_the_database_in_clear(self, analyst):
        device = services.otp_totp_device_start(user=analyst)
        key = device.bin_key
        assert len(key) == 20
        stored = stored_key_columns()
        assert stored, "no authenticator row found"
        for value in stored:
            if isinstance(value, bytes):
                assert key not in value and key.hex().encode() not in value
            else:
                assert key.hex() not in value.lower()
        assert services.otp_enrol_confirm(user=analyst, token=code_now(key), ip=None) is not None

    def test_a_code_is_accepted_once(self, analyst):
        device = services.otp_totp_device_start(user=analyst)
        services.otp_enrol_confirm(user=analyst, token=code_now(device.bin_key), ip=None)
        code = totp_code(device)
        assert services.otp_verify(user=analyst, token=code, ip=None) == device
        assert services.otp_verify(user=analyst, token=code, ip=None) is None

    def test_another_users_code_does_not_open_this_account(self, analyst, outsider):
        mine = totp_device_for(analyst)
        totp_device_for(outsider)
        assert services.otp_verify(user=outsider, token=totp_code(mine), ip=None) is None

    def test_a_sign_in_does_not_rewrite_the_stored_key(self, analyst):
        device = totp_device_for(analyst)
        before = stored_key_columns()
        services.otp_verify(user=analyst, token=totp_code(device), ip=None)
        key_blobs = [v for v in before if isinstance(v, bytes)]
        assert key_blobs and set(key_blobs) <= set(stored_key_columns())

    def test_a_device_kept_in_clear_before_is_moved_by_the_migration_and_its_codes_still_work(
        self, analyst, outsider
    ):
        import importlib
        from datetime import UTC, datetime

        from django.apps import apps
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from qorgau.core.models import StaffTOTPDevice

        created = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
        old = clear_totp_device(
            analyst, drift=0, last_t=7, throttling_failure_count=2, last_used_at=created
        )
        TOTPDevice.objects.filter(pk=old.pk).update(created_at=created)
        pending = clear_totp_device(outsider, confirmed=False, digits=8)
        migration = importlib.import_module("qorgau.core.migrations.0006_encrypt_totp_keys")
        migration.encrypt_clear_keys(apps, None)

        assert not TOTPDevice.objects.exists()
        moved = StaffTOTPDevice.objects.get(user=analyst)
        assert moved.bin_key == old.bin_key and moved.name == "phone" and moved.confirmed
        assert (moved.last_t, moved.drift, moved.throttling_failure_count) == (7, 0, 2)
        assert moved.created_at == created and moved.last_used_at == created
        other = StaffTOTPDevice.objects.get(user=outsider)
        assert (other.bin_key, other.confirmed, other.digits) == (pending.bin_key, False, 8)
        assert old.key not in str(stored_key_columns())
        # the app on the phone goes on working, and the code it shows now works once
        code = code_now(old.bin_key)
        assert services.otp_verify(user=analyst, token=code, ip=None) == moved
        assert services.otp_verify(user=analyst, token=code, ip=None) is None

    def test_the_migration_moves_the_devices_back_when_reversed(self, analyst):
        import importlib

        from django.apps import apps
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from qorgau.core.models import StaffTOTPDevice

        device = totp_device_for(analyst)
        device.last_t = 9
        device.save(update_fields=["last_t"])
        migration = importlib.import_module("qorgau.core.migrations.0006_encrypt_totp_keys")
        migration.decrypt_keys_back(apps, None)
        assert not StaffTOTPDevice.objects.exists()
        back = TOTPDevice.objects.get(user=analyst)
        assert (back.bin_key, back.last_t, back.confirmed) == (device.bin_key, 9, True)
        migration.encrypt_clear_keys(apps, None)
        assert StaffTOTPDevice.objects.get(user=analyst).bin_key == device.bin_key
