"""Encryption at rest for the most sensitive content (free-text notes, uploaded files).

Keys come from LIAISON_ENCRYPTION_KEYS: comma-separated Fernet keys, the first one encrypts,
all of them decrypt. Rotation: put a new key first, run `manage.py rotate_encryption_keys`,
then drop the old key. A dedicated key (not SECRET_KEY) means rotating the session signing
key never makes stored notes unreadable.
"""

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "enc1:"  # marks ciphertext, so that a plaintext value left from before is still readable


@cache
def _fernet() -> MultiFernet:
    keys = settings.LIAISON_ENCRYPTION_KEYS
    if not keys:
        raise ImproperlyConfigured("LIAISON_ENCRYPTION_KEYS is required to store encrypted data.")
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured("LIAISON_ENCRYPTION_KEYS must hold URL-safe base64 Fernet keys.") from exc


def reset_key_cache() -> None:
    _fernet.cache_clear()


def encrypt_bytes(data: bytes) -> bytes:
    return _fernet().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    return _fernet().decrypt(token)


def rotate_bytes(token: bytes) -> bytes:
    return _fernet().rotate(token)


def encrypt_text(value: str) -> str:
    return PREFIX + _fernet().encrypt(value.encode()).decode()


def decrypt_text(stored: str) -> str:
    if not stored.startswith(PREFIX):
        return stored
    try:
        return _fernet().decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured("Stored text cannot be decrypted with the configured keys.") from exc


def rotate_text(stored: str) -> str:
    if not stored.startswith(PREFIX):
        return encrypt_text(stored)
    return PREFIX + _fernet().rotate(stored[len(PREFIX) :].encode()).decode()


class EncryptedTextField(models.TextField):
    """A text column holding Fernet ciphertext; Python code sees plain text.

    It cannot be searched or ordered in SQL, which is the point: use it for notes only.
    The empty string stays empty so that "no note" needs no key.
    """

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt_text(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt_text(value)
