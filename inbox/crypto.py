"""Secrets at rest, encrypted with Fernet (MultiFernet for key rotation).

SECRETS_ENCRYPTION_KEYS is a key ring: the first key encrypts, every key decrypts. To
retire a key, put a new one first, run `manage.py rotate_encryption_key` (it re-encrypts
every `EncryptedTextField` under the first key), then drop the old key.
"""

from __future__ import annotations

import json
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.db import models


def _fernet() -> MultiFernet:
    return _ring(tuple(settings.SECRETS_ENCRYPTION_KEYS))


@lru_cache(maxsize=4)
def _ring(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in keys])


def encrypt_text(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt_text(token: str) -> str:
    """The plaintext, remembered per key ring and token: a channel's secrets are read on
    every webhook's signature check and every send (a Fernet decrypt was ~150 us of each
    at hundreds a second). A changed secret is a new token; a dropped key a new ring."""
    return _decrypted(tuple(settings.SECRETS_ENCRYPTION_KEYS), token)


@lru_cache(maxsize=1024)
def _decrypted(keys: tuple[str, ...], token: str) -> str:
    return _ring(keys).decrypt(token.encode()).decode()


def encrypt_json(value: dict) -> str:
    return encrypt_text(json.dumps(value))


def decrypt_json(token: str) -> dict:
    return json.loads(decrypt_text(token))


def reencrypt(token: str) -> str:
    """`token` encrypted under the first key, whichever key of the ring it was under.

    Raises cryptography's InvalidToken when no key of the ring opens it.
    """
    return _fernet().rotate(token.encode()).decode()


def encrypted_under_first_key(token: str) -> bool:
    """Whether the first key alone opens `token` (nothing for a rotation to do)."""
    try:
        Fernet(settings.SECRETS_ENCRYPTION_KEYS[0].encode()).decrypt(token.encode())
    except Exception:  # InvalidToken, or a value that is not a Fernet token at all
        return False
    return True


class EncryptedTextField(models.TextField):
    """A column holding a Fernet token (never plaintext) under SECRETS_ENCRYPTION_KEYS.

    Stores exactly what it is given, like a TextField; models encrypt in their accessors.
    The field type is the marker the key-rotation command finds every secret column by, so
    a new secret column declared with it is rotated without being registered anywhere.
    """
