import base64
import os

import pytest

from smartcrm.core.crypto import DecryptionError, KeyConfigurationError, KeyRing, lookup_hash


def key_spec(*ids: str) -> str:
    return ",".join(f"{i}:{base64.b64encode(os.urandom(32)).decode()}" for i in ids)


def test_round_trip_and_fresh_nonce_each_time() -> None:
    ring = KeyRing.parse(key_spec("k1"))
    a = ring.encrypt("ada@example.com", "customers.customer.email")
    b = ring.encrypt("ada@example.com", "customers.customer.email")
    assert a != b
    assert "ada" not in a
    assert ring.decrypt(a, "customers.customer.email") == "ada@example.com"


def test_ciphertext_is_bound_to_its_column() -> None:
    ring = KeyRing.parse(key_spec("k1"))
    token = ring.encrypt("+15550100", "customers.customer.phone")
    with pytest.raises(DecryptionError):
        ring.decrypt(token, "customers.customer.email")


def test_rotation_old_values_still_decrypt_new_values_use_new_key() -> None:
    old = key_spec("k1")
    old_ring = KeyRing.parse(old)
    token = old_ring.encrypt("secret", "ctx")
    rotated = KeyRing.parse(key_spec("k2") + "," + old)
    assert rotated.decrypt(token, "ctx") == "secret"
    assert rotated.key_id_of(rotated.encrypt("secret", "ctx")) == "k2"


def test_unknown_key_and_tampering_are_refused() -> None:
    ring = KeyRing.parse(key_spec("k1"))
    token = ring.encrypt("secret", "ctx")
    with pytest.raises(DecryptionError):
        KeyRing.parse(key_spec("k9")).decrypt(token, "ctx")
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with pytest.raises(DecryptionError):
        ring.decrypt(tampered, "ctx")


@pytest.mark.parametrize("spec", ["", "k1", "k1:notbase64!!", "k1:" + base64.b64encode(b"short").decode()])
def test_bad_key_configuration_is_a_clear_error(spec: str) -> None:
    with pytest.raises(KeyConfigurationError):
        KeyRing.parse(spec)


def test_lookup_hash_is_keyed() -> None:
    k1, k2 = (base64.b64encode(os.urandom(32)).decode() for _ in range(2))
    assert lookup_hash("a@b.c", k1) == lookup_hash("a@b.c", k1)
    assert lookup_hash("a@b.c", k1) != lookup_hash("a@b.c", k2)


def test_encrypt_many_matches_single_encryption_and_keeps_empty_values() -> None:
    ring = KeyRing.parse(key_spec("k1"))
    tokens = ring.encrypt_many(["a@x.io", "", "b@x.io"], "ctx")
    assert tokens[1] == ""
    assert [ring.decrypt(t, "ctx") for t in (tokens[0], tokens[2])] == ["a@x.io", "b@x.io"]
    assert len({t[:20] for t in tokens if t}) == 2  # distinct nonces
