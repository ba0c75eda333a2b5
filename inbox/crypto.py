"""Channel secrets at rest, encrypted with Fernet (MultiFernet for key rotation)."""

from __future__ import annotations

import json

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in settings.SECRETS_ENCRYPTION_KEYS])


def encrypt_json(value: dict) -> str:
    return _fernet().encrypt(json.dumps(value).encode()).decode()


def decrypt_json(token: str) -> dict:
    return json.loads(_fernet().decrypt(token.encode()))
