"""Files encrypted at rest with the PII keys (``crypto.KeyRing``), read back as a stream.

A file is a header (magic, the key's id, the plaintext's size) and chunks of at most 1 MiB, each
sealed with AES-GCM under its own random nonce. Each chunk's associated data names the header,
the chunk's number and whether it is the last, so chunks cannot be reordered, dropped or the file
cut short without the read failing (:class:`crypto.DecryptionError`). Rotating keys works as for
the columns: the first key encrypts, every listed key decrypts.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterable
from typing import BinaryIO

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from smartcrm.core.crypto import NONCE_BYTES, DecryptionError, KeyRing

MAGIC = b"SCRMENC1"
CHUNK = 1 << 20
TAG_BYTES = 16
_SIZE = struct.Struct(">Q")
_POSITION = struct.Struct(">QB")


def _header(key_id: str, size: int) -> bytes:
    name = key_id.encode()
    return MAGIC + bytes([len(name)]) + name + _SIZE.pack(size)


def _chunks(source: Iterable[bytes]) -> Iterable[bytes]:
    """The source re-cut into CHUNK-sized pieces (the last may be shorter, or empty)."""
    buffer = bytearray()
    for piece in source:
        buffer += piece
        while len(buffer) >= CHUNK:
            yield bytes(buffer[:CHUNK])
            del buffer[:CHUNK]
    yield bytes(buffer)


def encrypt_to(ring: KeyRing, source: Iterable[bytes], sink: BinaryIO, size: int) -> None:
    """Write ``source`` (``size`` bytes in all) to ``sink`` encrypted under the active key."""
    header = _header(ring.active_id, size)
    sink.write(header)
    aead, total = ring.keys[ring.active_id], 0
    pieces = iter(_chunks(source))
    piece, index = next(pieces), 0
    for following in pieces:
        sink.write(_seal(aead, header, index, piece, last=False))
        total += len(piece)
        piece, index = following, index + 1
    total += len(piece)
    sink.write(_seal(aead, header, index, piece, last=True))
    if total != size:
        raise ValueError(f"expected {size} bytes, read {total}")


def _seal(aead: AESGCM, header: bytes, index: int, piece: bytes, *, last: bool) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + aead.encrypt(nonce, piece, header + _POSITION.pack(index, last))


def is_encrypted(handle: BinaryIO) -> bool:
    start = handle.tell()
    magic = handle.read(len(MAGIC))
    handle.seek(start)
    return magic == MAGIC


def read_header(handle: BinaryIO) -> tuple[bytes, str, int]:
    """The header's bytes, key id and plaintext size; the handle is left after the header."""
    if handle.read(len(MAGIC)) != MAGIC:
        raise DecryptionError("not an encrypted file")
    length = handle.read(1)
    name = handle.read(length[0] if length else 0)
    size = handle.read(_SIZE.size)
    if not length or len(name) != length[0] or len(size) != _SIZE.size:
        raise DecryptionError("the encrypted file's header is cut short")
    return MAGIC + length + name + size, name.decode(errors="replace"), _SIZE.unpack(size)[0]


def decrypt_to(ring: KeyRing, handle: BinaryIO, sink: BinaryIO) -> int:
    """Write the plaintext of an encrypted file to ``sink``; its size. Any tampering, a missing
    or reordered chunk or a cut tail raises DecryptionError (``sink`` then holds a part)."""
    header, key_id, size = read_header(handle)
    aead = ring.keys.get(key_id)
    if aead is None:
        raise DecryptionError(f"no key {key_id!r} configured for an encrypted file")
    index, total = 0, 0
    sealed = handle.read(NONCE_BYTES + CHUNK + TAG_BYTES)
    while True:
        following = handle.read(NONCE_BYTES + CHUNK + TAG_BYTES)
        last = not following
        try:
            piece = aead.decrypt(
                sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], header + _POSITION.pack(index, last)
            )
        except Exception as exc:  # InvalidTag
            raise DecryptionError("an encrypted file failed authentication") from exc
        sink.write(piece)
        total += len(piece)
        if last:
            break
        sealed, index = following, index + 1
    if total != size:
        raise DecryptionError("an encrypted file's size does not match its header")
    return total
