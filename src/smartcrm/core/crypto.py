"""AES-GCM encryption of PII at rest, with key rotation and keyed lookup hashes.

Keys come from ``SMARTCRM_FIELD_KEYS``: a comma-separated list of ``key_id:base64key`` pairs
(32-byte keys). The first key encrypts; every listed key decrypts, so rotating means putting a
new key first and running ``smartcrm rotate_keys``. Each ciphertext is bound to its column by
associated data, so a value copied into another column does not decrypt.

Exact-match lookups (find a customer by email) use an HMAC-SHA256 of the normalised value
under ``SMARTCRM_LOOKUP_KEY``, which does not rotate with the encryption keys.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12
SEPARATOR = "$"


class KeyConfigurationError(ValueError):
    """The configured keys are missing or malformed."""


class DecryptionError(ValueError):
    """A stored value could not be decrypted with any configured key."""


@dataclass(frozen=True)
class KeyRing:
    active_id: str
    keys: dict[str, AESGCM]

    @classmethod
    def parse(cls, spec: str) -> KeyRing:
        keys: dict[str, AESGCM] = {}
        order: list[str] = []
        for part in (p.strip() for p in spec.split(",")):
            if not part:
                continue
            key_id, sep, encoded = part.partition(":")
            if not sep or not key_id or SEPARATOR in key_id:
                raise KeyConfigurationError("each key must look like 'id:base64key'")
            try:
                raw = base64.b64decode(encoded, validate=True)
            except ValueError as exc:
                raise KeyConfigurationError(f"key {key_id!r} is not valid base64") from exc
            if len(raw) != 32:
                raise KeyConfigurationError(f"key {key_id!r} must be 32 bytes, not {len(raw)}")
            keys[key_id] = AESGCM(raw)
            order.append(key_id)
        if not order:
            raise KeyConfigurationError("no encryption key configured")
        return cls(active_id=order[0], keys=keys)

    def encrypt(self, plaintext: str, context: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self.keys[self.active_id].encrypt(nonce, plaintext.encode(), context.encode())
        return self.active_id + SEPARATOR + base64.b64encode(nonce + sealed).decode()

    def encrypt_many(self, plaintexts: list[str], context: str) -> list[str]:
        """Encrypt a batch (bulk loads): one random read for all nonces; empty stays empty."""
        nonces = os.urandom(NONCE_BYTES * len(plaintexts))
        aead, prefix, aad = self.keys[self.active_id], self.active_id + SEPARATOR, context.encode()
        out = []
        for i, text in enumerate(plaintexts):
            if not text:
                out.append("")
                continue
            nonce = nonces[i * NONCE_BYTES : (i + 1) * NONCE_BYTES]
            out.append(prefix + base64.b64encode(nonce + aead.encrypt(nonce, text.encode(), aad)).decode())
        return out

    def decrypt(self, token: str, context: str) -> str:
        key_id, sep, payload = token.partition(SEPARATOR)
        if not sep or key_id not in self.keys:
            raise DecryptionError(f"no key {key_id!r} configured for a stored value")
        try:
            blob = base64.b64decode(payload)
            plain = self.keys[key_id].decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], context.encode())
        except Exception as exc:  # cryptography raises InvalidTag; base64 raises ValueError
            raise DecryptionError("a stored value failed authentication") from exc
        return plain.decode()

    def key_id_of(self, token: str) -> str:
        return token.partition(SEPARATOR)[0]


@lru_cache(maxsize=4)
def keyring_for(spec: str) -> KeyRing:
    return KeyRing.parse(spec)


@lru_cache(maxsize=4)
def _decoded(key: str) -> bytes:
    return base64.b64decode(key)


def lookup_hash(normalised_value: str, lookup_key: str) -> str:
    """Keyed hash used for exact-match lookups of encrypted values."""
    return hmac.digest(_decoded(lookup_key), normalised_value.encode(), hashlib.sha256).hex()
