"""Passphrase encryption for backups: scrypt for the key, AES-256-GCM in sealed chunks.

Layout: magic, scrypt parameters, salt and a nonce prefix (the header, bound to every chunk as
associated data), then chunks of at most 1 MiB, each `length || ciphertext+tag`. A chunk's nonce
is the prefix, its counter and a last-chunk flag, so reordered, dropped or truncated chunks fail
to decrypt (the STREAM construction) instead of yielding a shorter database.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"SAPARBK1"
CHUNK = 1024 * 1024
SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P = 15, 8, 1  # 32 MiB and ~0.1 s per try: slows guessing
_HEADER = struct.Struct(">8sBBB16s7s")


class SealError(ValueError):
    """The file is not a sealed backup, the passphrase is wrong, or the file was altered."""


def is_sealed(path: Path) -> bool:
    """Return True when a file starts like a sealed backup."""
    with open(path, "rb") as handle:
        return handle.read(len(MAGIC)) == MAGIC


def _key(passphrase: str, salt: bytes, log2_n: int, r: int, p: int) -> AESGCM:
    if not passphrase:
        raise SealError("the passphrase is empty")
    kdf = Scrypt(salt=salt, length=32, n=2 ** log2_n, r=r, p=p)
    return AESGCM(kdf.derive(passphrase.encode()))


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">IB", counter, 1 if last else 0)


def seal(source: BinaryIO, target: BinaryIO, passphrase: str) -> None:
    """Encrypt a stream into a sealed file."""
    salt, prefix = os.urandom(16), os.urandom(7)
    header = _HEADER.pack(MAGIC, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P, salt, prefix)
    aead = _key(passphrase, salt, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P)
    target.write(header)
    counter = 0
    chunk = source.read(CHUNK)
    while True:
        following = source.read(CHUNK)
        last = not following
        sealed = aead.encrypt(_nonce(prefix, counter, last), chunk, header)
        target.write(struct.pack(">I", len(sealed)) + sealed)
        if last:
            return
        chunk, counter = following, counter + 1


def unseal(source: BinaryIO, target: BinaryIO, passphrase: str) -> None:
    """Decrypt a sealed file into a stream; raise SealError when anything does not check out."""
    header = source.read(_HEADER.size)
    if len(header) != _HEADER.size:
        raise SealError("not a sealed Sapar backup (too short)")
    magic, log2_n, r, p, salt, prefix = _HEADER.unpack(header)
    if magic != MAGIC:
        raise SealError("not a sealed Sapar backup")
    if not (10 <= log2_n <= 22 and 1 <= r <= 32 and 1 <= p <= 16):
        raise SealError("the backup's key parameters are out of range")
    aead = _key(passphrase, salt, log2_n, r, p)
    counter = 0
    while True:
        size_bytes = source.read(4)
        if len(size_bytes) != 4:
            raise SealError("the backup is truncated (its last part is missing)")
        (size,) = struct.unpack(">I", size_bytes)
        if size > CHUNK + 16:
            raise SealError("the backup is damaged (a part is too large)")
        sealed = source.read(size)
        if len(sealed) != size:
            raise SealError("the backup is truncated")
        for last in (False, True):
            try:
                plain = aead.decrypt(_nonce(prefix, counter, last), sealed, header)
                break
            except InvalidTag:
                continue
        else:
            raise SealError("wrong passphrase, or the backup was altered or damaged")
        target.write(plain)
        if last:
            if source.read(1):
                raise SealError("the backup has data after its last part")
            return
        counter += 1
