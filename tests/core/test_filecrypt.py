"""Files encrypted with the PII keys: round trip, key rotation, and any change refused."""

from __future__ import annotations

import base64
import hashlib
import io
import os

import pytest

from smartcrm.core import filecrypt
from smartcrm.core.crypto import DecryptionError, KeyRing


def _ring(*ids: str) -> KeyRing:
    """Each id's key is its own (sha256 of the id), so a rotated ring still holds the old key."""
    return KeyRing.parse(
        ",".join(f"{i}:{base64.b64encode(hashlib.sha256(i.encode()).digest()).decode()}" for i in ids)
    )


def _sealed(data: bytes, ring: KeyRing, piece: int = 70_000) -> bytes:
    sink = io.BytesIO()
    parts = (data[i : i + piece] for i in range(0, len(data), piece))
    filecrypt.encrypt_to(ring, parts, sink, len(data))
    return sink.getvalue()


def _opened(blob: bytes, ring: KeyRing) -> bytes:
    sink = io.BytesIO()
    filecrypt.decrypt_to(ring, io.BytesIO(blob), sink)
    return sink.getvalue()


@pytest.mark.parametrize("size", [0, 1, filecrypt.CHUNK, 2 * filecrypt.CHUNK + 5])
def test_round_trip_over_chunk_edges(size: int) -> None:
    data = os.urandom(size)
    blob = _sealed(data, _ring("k1"))
    assert _opened(blob, _ring("k1")) == data
    assert size < 64 or data[:64] not in blob


def test_an_old_key_still_reads_after_rotation_and_a_missing_key_is_refused() -> None:
    blob = _sealed(b"ada@example.com", _ring("old"))
    assert _opened(blob, _ring("new", "old")) == b"ada@example.com"
    with pytest.raises(DecryptionError, match="no key"):
        _opened(blob, _ring("new"))


def test_a_flipped_bit_a_cut_tail_or_swapped_chunks_are_refused() -> None:
    ring = _ring("k1")
    blob = _sealed(os.urandom(3 * filecrypt.CHUNK), ring)
    header = len(filecrypt.MAGIC) + 1 + 2 + 8
    sealed = filecrypt.NONCE_BYTES + filecrypt.CHUNK + filecrypt.TAG_BYTES
    flipped = bytearray(blob)
    flipped[header + 100] ^= 1
    first, second = blob[header : header + sealed], blob[header + sealed : header + 2 * sealed]
    swapped = blob[:header] + second + first + blob[header + 2 * sealed :]
    for broken in (bytes(flipped), blob[: header + 2 * sealed], swapped, blob[:header]):
        with pytest.raises(DecryptionError):
            _opened(broken, ring)
