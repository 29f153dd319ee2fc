"""rotate_master_key re-wraps every data key under the new master key; old keys can then be dropped."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from qorgau.core import crypto
from qorgau.core.keys import generate_master_key, parse_master_key
from tests.testapp.models import Dossier

pytestmark = pytest.mark.django_db


def raw_narratives() -> list[bytes]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT narrative FROM testapp_dossier WHERE narrative IS NOT NULL ORDER BY id"
        )
        return [bytes(row[0]) for row in cursor.fetchall()]


def test_it_rewraps_every_value_and_the_old_key_can_go(settings, capsys):
    old_key = settings.QORGAU_MASTER_KEY
    texts = [f"synthetic narrative {i}" for i in range(7)]
    for text in texts:
        Dossier.objects.create(title="t", narrative=text, identity={"n": text})
    before = raw_narratives()
    new_key = generate_master_key()
    with override_settings(QORGAU_MASTER_KEY=new_key, QORGAU_PREVIOUS_MASTER_KEYS=[old_key]):
        # while the rotation has not run yet, both keys open the data: no downtime
        assert [d.narrative for d in Dossier.objects.order_by("id")] == texts
        call_command("rotate_master_key", "--batch-size", "3")
        out = capsys.readouterr().out
        assert "testapp.Dossier.narrative: 7 re-wrapped" in out
        assert "testapp.Dossier.identity: 7 re-wrapped" in out
        after = raw_narratives()
    new_id = parse_master_key(new_key).key_id
    assert all(crypto.key_id_of(blob) == new_id for blob in after)
    # the ciphertext of the value itself is unchanged: only the 48-byte wrapped key moved
    assert [b[-40:] for b in before] == [b[-40:] for b in after]
    with override_settings(QORGAU_MASTER_KEY=new_key, QORGAU_PREVIOUS_MASTER_KEYS=[]):
        assert [d.narrative for d in Dossier.objects.order_by("id")] == texts
        assert Dossier.objects.order_by("id").first().identity == {"n": texts[0]}


def test_a_second_run_has_nothing_left_to_do(settings, capsys):
    old_key = settings.QORGAU_MASTER_KEY
    Dossier.objects.create(title="t", narrative="x")
    with override_settings(
        QORGAU_MASTER_KEY=generate_master_key(), QORGAU_PREVIOUS_MASTER_KEYS=[old_key]
    ):
        call_command("rotate_master_key")
        capsys.readouterr()
        call_command("rotate_master_key")
        out = capsys.readouterr().out
    assert "testapp.Dossier.narrative: 0 re-wrapped, 1 already current" in out


def test_dry_run_counts_without_changing(settings, capsys):
    old_key = settings.QORGAU_MASTER_KEY
    Dossier.objects.create(title="t", narrative="x")
    before = raw_narratives()
    with override_settings(
        QORGAU_MASTER_KEY=generate_master_key(), QORGAU_PREVIOUS_MASTER_KEYS=[old_key]
    ):
        call_command("rotate_master_key", "--dry-run")
    assert "1 to re-wrap" in capsys.readouterr().out
    assert raw_narratives() == before


def test_authenticator_keys_are_rewrapped_and_their_codes_still_work(settings, capsys, analyst):
    from qorgau.core import services
    from qorgau.core.models import StaffTOTPDevice
    from tests.conftest import totp_code, totp_device_for

    old_key = settings.QORGAU_MASTER_KEY
    device = totp_device_for(analyst)
    new_key = generate_master_key()
    with override_settings(QORGAU_MASTER_KEY=new_key, QORGAU_PREVIOUS_MASTER_KEYS=[old_key]):
        call_command("rotate_master_key")
        assert "core.StaffTOTPDevice.key: 1 re-wrapped" in capsys.readouterr().out
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM core_stafftotpdevice")
        (stored,) = cursor.fetchone()
    assert crypto.key_id_of(bytes(stored)) == parse_master_key(new_key).key_id
    with override_settings(QORGAU_MASTER_KEY=new_key, QORGAU_PREVIOUS_MASTER_KEYS=[]):
        assert StaffTOTPDevice.objects.get().bin_key == device.bin_key
        assert services.otp_verify(user=analyst, token=totp_code(device), ip=None) is not None
