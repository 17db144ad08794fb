"""Secrets stored encrypted at rest (Fernet: AES-128-CBC with an HMAC-SHA256 tag).

The key comes from FRPDESK_ENCRYPTION_KEY (any string; it is stretched to a Fernet key) or, when
unset, from SECRET_KEY, so a copied database without the deployment's key reveals nothing.
"""

import base64
import hashlib
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import models


def _fernet() -> Fernet:
    material = settings.FRPDESK_ENCRYPTION_KEY or settings.SECRET_KEY
    digest = hashlib.sha256(f"frpdesk-secrets:{material}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode("ascii")


def decrypt(token: str) -> str:
    """The plain text; raises ValueError when the key changed or the value was tampered with."""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeError) as exc:
        raise ValueError(
            "cannot decrypt a stored secret: FRPDESK_ENCRYPTION_KEY (or SECRET_KEY) changed"
        ) from exc


class EncryptedTextField(models.TextField):
    """Text kept encrypted in the database; Python code sees the plain value."""

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return encrypt(value) if value else value

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return decrypt(value) if value else value
