"""The TOTP device members enroll, with its secret encrypted at rest.

django-otp's own TOTPDevice keeps the shared secret as plain hex in the database, so a
database dump (a backup, a replica, a support snapshot) would let anyone mint every
member's codes. This device stores the secret as a Fernet token under
SECRETS_ENCRYPTION_KEYS instead. Verification is django-otp's own: its TOTP algorithm
(django_otp.oath), its throttling mixin and its device protocol, so `match_token`,
`django_otp.login` and the OTP middleware work as before. Only django-otp's short
`verify_token` and `config_url` glue is restated here, because its TOTPDevice model
cannot be imported once its app (and its plaintext table) is gone.
"""

from __future__ import annotations

import time
from base64 import b32encode
from binascii import unhexlify
from urllib.parse import quote, urlencode

from django.conf import settings
from django.db import models
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.oath import TOTP
from django_otp.util import random_hex

from inbox.crypto import EncryptedTextField, decrypt_text, encrypt_text

# django-otp's default: 20 random bytes, the size RFC 4226 recommends for HMAC-SHA1.
KEY_BYTES = 20


def new_encrypted_key() -> str:
    """A fresh random secret, already encrypted (the column's default)."""
    return encrypt_text(random_hex(KEY_BYTES))


class TOTPDevice(TimestampMixin, ThrottlingMixin, Device):
    """A TOTP authenticator app; same fields and behaviour as django-otp's TOTPDevice
    except that the hex secret lives encrypted in `key_encrypted`."""

    key_encrypted = EncryptedTextField(default=new_encrypted_key)
    step = models.PositiveSmallIntegerField(default=30)
    t0 = models.BigIntegerField(default=0)
    digits = models.PositiveSmallIntegerField(choices=[(6, 6), (8, 8)], default=6)
    tolerance = models.PositiveSmallIntegerField(default=1)
    drift = models.SmallIntegerField(default=0)
    last_t = models.BigIntegerField(default=-1)

    class Meta(Device.Meta):
        verbose_name = "TOTP device"

    @property
    def key(self) -> str:
        """The hex secret, decrypted on demand (never cached on the instance)."""
        return decrypt_text(self.key_encrypted)

    @key.setter
    def key(self, value: str) -> None:
        self.key_encrypted = encrypt_text(value)

    @property
    def bin_key(self) -> bytes:
        return unhexlify(self.key.encode())

    def verify_token(self, token) -> bool:
        """django-otp 1.7's TOTPDevice.verify_token: throttled, no token accepted twice
        (last_t), clock drift followed when OTP_TOTP_SYNC is on."""
        verify_allowed, _ = self.verify_is_allowed()
        if not verify_allowed:
            return False
        try:
            token = int(token)
        except (TypeError, ValueError):
            verified = False
        else:
            totp = TOTP(self.bin_key, self.step, self.t0, self.digits, self.drift)
            totp.time = time.time()
            verified = totp.verify(token, self.tolerance, self.last_t + 1)
            if verified:
                self.last_t = totp.t()
                if getattr(settings, "OTP_TOTP_SYNC", True):
                    self.drift = totp.drift
                self.throttle_reset(commit=False)
                self.set_last_used_timestamp(commit=False)
                self.save()
        if not verified:
            self.throttle_increment(commit=True)
        return verified

    def get_throttle_factor(self) -> int:
        return getattr(settings, "OTP_TOTP_THROTTLE_FACTOR", 1)

    @property
    def config_url(self) -> str:
        """The otpauth:// URL an authenticator app scans (Google's Key URI format)."""
        label = str(self.user.get_username())
        params = urlencode(
            {
                "secret": b32encode(self.bin_key),
                "algorithm": "SHA1",
                "digits": self.digits,
                "period": self.step,
            }
        )
        issuer = getattr(settings, "OTP_TOTP_ISSUER", None)
        if callable(issuer):
            issuer = issuer(self)
        if isinstance(issuer, str) and issuer:
            issuer = issuer.replace(":", "")
            label = f"{issuer}:{label}"
            params += f"&issuer={quote(issuer)}"
        return f"otpauth://totp/{quote(label)}?{params}"
