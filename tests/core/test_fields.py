"""Encrypted fields: values are readable through the model and nowhere in the raw database."""

import pytest
from django.core.exceptions import FieldError
from django.db import connection
from django.test import override_settings

from qorgau.core import crypto
from qorgau.core.keys import generate_master_key
from tests.testapp.models import Dossier

pytestmark = pytest.mark.django_db

SECRET_TEXT = "MARKER-Жақып-said-he-would-meet-her-at-the-park"


def raw_row(pk: int) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute("SELECT narrative, identity FROM testapp_dossier WHERE id = %s", [pk])
        return cursor.fetchone()


def test_it_reads_back_what_was_written():
    dossier = Dossier.objects.create(
        title="t", narrative=SECRET_TEXT, identity={"name": "Айгерім", "age": 12}
    )
    loaded = Dossier.objects.get(pk=dossier.pk)
    assert loaded.narrative == SECRET_TEXT
    assert loaded.identity == {"name": "Айгерім", "age": 12}


def test_the_raw_database_holds_no_plaintext():
    dossier = Dossier.objects.create(title="t", narrative=SECRET_TEXT, identity={"name": "Айгерім"})
    narrative, identity = (bytes(v) for v in raw_row(dossier.pk))
    for blob in (narrative, identity):
        assert blob.startswith(b"Q1")
        assert SECRET_TEXT.encode() not in blob
        assert "Айгерім".encode() not in blob
        assert b"MARKER" not in blob
    # and the whole database file has no trace of it either (SQLite) / no row matches (PostgreSQL)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM testapp_dossier WHERE title LIKE %s", ["%MARKER%"])
        assert cursor.fetchone()[0] == 0


def test_each_value_gets_its_own_data_key():
    a = Dossier.objects.create(title="a", narrative=SECRET_TEXT)
    b = Dossier.objects.create(title="b", narrative=SECRET_TEXT)
    assert bytes(raw_row(a.pk)[0]) != bytes(raw_row(b.pk)[0])


def test_null_stays_null():
    dossier = Dossier.objects.create(title="t")
    assert raw_row(dossier.pk) == (None, None)
    assert Dossier.objects.get(pk=dossier.pk).narrative is None


def test_a_ciphertext_moved_to_another_column_does_not_open():
    dossier = Dossier.objects.create(title="t", narrative=SECRET_TEXT)
    blob = crypto.encrypt(b'"x"', aad=b"testapp.dossier.narrative")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(blob, aad=b"testapp.dossier.identity")
    assert Dossier.objects.get(pk=dossier.pk).narrative == SECRET_TEXT


def test_an_altered_byte_is_detected():
    blob = bytearray(crypto.encrypt(b"hello", aad=b"a"))
    blob[-1] ^= 1
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(bytes(blob), aad=b"a")


def test_a_value_under_an_unknown_master_key_is_refused_clearly():
    blob = crypto.encrypt(b"hello", aad=b"a")
    with override_settings(QORGAU_MASTER_KEY=generate_master_key()):
        with pytest.raises(crypto.DecryptionError, match="QORGAU_PREVIOUS_MASTER_KEYS"):
            crypto.decrypt(blob, aad=b"a")


def test_encrypted_columns_cannot_be_searched_by_value():
    with pytest.raises(FieldError):
        list(Dossier.objects.filter(narrative=SECRET_TEXT))
    assert Dossier.objects.filter(narrative__isnull=True).count() == 0


def test_encrypted_values_are_never_serialised_as_plaintext():
    from django.core import serializers

    Dossier.objects.create(title="t", narrative=SECRET_TEXT)
    with pytest.raises(FieldError):
        serializers.serialize("json", Dossier.objects.all())
