"""Keys derived per purpose (qorgau.core.derived_keys): one HKDF key each, from QORGAU_LOOKUP_KEY."""

import base64
import hashlib
import hmac
import secrets

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.utils.crypto import salted_hmac

from qorgau.core import derived_keys as dk
from qorgau.core.keys import generate_master_key, lookup_key_id, parse_lookup_keys
from qorgau.env import ConfigurationError


def raw(key: str) -> bytes:
    return base64.urlsafe_b64decode(key)


def test_each_purpose_has_its_own_label_and_key():
    labels = [purpose.info for purpose in dk.PURPOSES]
    assert len(set(labels)) == len(labels)
    keys = [dk.derive(purpose) for purpose in dk.PURPOSES]
    assert len(set(keys)) == len(keys) and all(len(key) == 32 for key in keys)
    assert dk.ring().current not in keys


def test_one_value_keys_differently_for_each_purpose():
    lookups = [dk.RECEIPT_LOCATOR, dk.IDENTIFIER_LOOKUP, dk.IIN_LOOKUP, dk.RATE_LIMIT]
    digests = {dk.keyed_digest(purpose, "870512345678")[5:] for purpose in lookups}
    assert len(digests) == len(lookups)


def test_a_derived_key_is_hkdf_sha256_of_the_lookup_key_with_its_label(settings):
    expected = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"qorgau/v1/receipt-locator"
    ).derive(raw(settings.QORGAU_LOOKUP_KEY))
    assert dk.derive(dk.RECEIPT_LOCATOR) == expected
    mac = hmac.new(expected, b"12345678", hashlib.sha256).hexdigest()
    key_id = lookup_key_id(raw(settings.QORGAU_LOOKUP_KEY))
    assert dk.keyed_digest(dk.RECEIPT_LOCATOR, "12345678") == f"{key_id}:{mac}"[:64]


def test_the_backup_key_is_derived_from_the_master_key_as_archives_always_were(settings):
    master = raw(settings.QORGAU_MASTER_KEY)
    before = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"qorgau backup v1")
    assert dk.derive(dk.BACKUP, root=master) == before.derive(master)


def test_a_keyed_value_names_its_key_and_fits_its_column():
    for purpose in [dk.IDENTIFIER_LOOKUP, dk.RECEIPT_LOCATOR, dk.IIN_LOOKUP, dk.RATE_LIMIT]:
        value = dk.keyed_digest(purpose, "x")
        assert len(value) == 64 and dk.is_current(value) and not dk.is_legacy(value)
    recovery = dk.keyed_digest(dk.RECOVERY_CODE, "abcd2345")
    assert len(recovery) == 16 and dk.key_id_of(recovery) == dk.ring().current_id


def test_secret_key_plays_no_part(settings):
    before = [dk.keyed_digest(purpose, "v") for purpose in dk.PURPOSES[:5]]
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "another-" + "x" * 50, []
    assert [dk.keyed_digest(purpose, "v") for purpose in dk.PURPOSES[:5]] == before


def test_lookups_accept_the_previous_keys_then_the_pinned_legacy_secrets(settings):
    old_value = dk.keyed_digest(dk.RECEIPT_LOCATOR, "12345678")
    old_secret = settings.SECRET_KEY
    settings.QORGAU_PREVIOUS_LOOKUP_KEYS = [settings.QORGAU_LOOKUP_KEY]
    settings.QORGAU_LOOKUP_KEY = generate_master_key()
    settings.QORGAU_LEGACY_SECRET_KEYS = [old_secret]
    settings.SECRET_KEY = "rotated-" + "y" * 50
    found = dk.keyed_digests(dk.RECEIPT_LOCATOR, "12345678")
    legacy = salted_hmac("qorgau.intake.receipt", "12345678", secret=old_secret).hexdigest()
    assert found[1:] == [old_value, legacy]
    assert dk.is_current(found[0]) and not dk.is_current(old_value) and dk.is_legacy(legacy)
    assert dk.old_digests(dk.RECEIPT_LOCATOR, "12345678") == [old_value, legacy]
    # rate limits keep nothing from before the lookup key
    assert len(dk.keyed_digests(dk.RATE_LIMIT, "203.0.113.7")) == 2


def test_without_a_lookup_key_nothing_is_keyed(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.QORGAU_LOOKUP_KEY = None
    with pytest.raises(ImproperlyConfigured, match="QORGAU_LOOKUP_KEY is not set"):
        dk.keyed_digest(dk.RECEIPT_LOCATOR, "12345678")


def test_two_different_lookup_keys_with_one_name_are_refused():
    seen: dict[str, str] = {}
    while True:
        key = generate_master_key()
        other = seen.setdefault(lookup_key_id(raw(key)), key)
        if other != key:
            break
    with pytest.raises(ConfigurationError, match="same name"):
        parse_lookup_keys(key, [other])
    assert len(parse_lookup_keys(key, [key])) == 2  # the same key twice is harmless


def test_a_malformed_lookup_key_says_which_variable_to_set():
    with pytest.raises(ConfigurationError, match=r"QORGAU_PREVIOUS_LOOKUP_KEYS.*malformed"):
        parse_lookup_keys(generate_master_key(), [secrets.token_hex(8)])
