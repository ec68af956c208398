"""Password hashing with bcrypt (pyca, maintained). passlib 1.7.4 is not used: it is unmaintained and breaks
on bcrypt ≥ 4.1 (its self-test hashes a 255-byte secret, which bcrypt 5 refuses)."""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

import bcrypt

# bcrypt reads at most 72 bytes (36 Cyrillic letters): the password is first reduced to a SHA-256 digest in
# base64 (44 bytes, no NUL), as Django's and passlib's bcrypt_sha256 do, so every character counts.
_PREFIX = "bcrypt-sha256$"


def _prehash(password: str) -> bytes:
    return base64.b64encode(hashlib.sha256(password.encode("utf-8")).digest())


def hash_password(password: str, *, rounds: int = 12) -> str:
    return _PREFIX + bcrypt.hashpw(_prehash(password), bcrypt.gensalt(rounds=rounds)).decode()


@lru_cache(maxsize=4)
def _dummy(rounds: int) -> bytes:
    """A hash to check against when the account does not exist, so both answers take as long."""
    return bcrypt.hashpw(b"otklik-dummy", bcrypt.gensalt(rounds=rounds))


def verify_password(password: str, stored: str | None, *, rounds: int = 12) -> bool:
    """Constant-time check; a missing account is checked against a dummy hash of the same cost and fails."""
    if not stored or not stored.startswith(_PREFIX):
        bcrypt.checkpw(_prehash(password), _dummy(rounds))
        return False
    return bcrypt.checkpw(_prehash(password), stored[len(_PREFIX) :].encode())
