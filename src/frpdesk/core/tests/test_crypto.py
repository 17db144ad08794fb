"""Secrets at rest: ``encrypt`` / ``decrypt`` and ``EncryptedTextField`` (used for the Microsoft
Graph client secrets). The database holds only ciphertext; Python code sees the plain value; a
changed key or a tampered value is a clear error, never the wrong plain text."""

from typing import Any

import pytest
from django.db import connection

from frpdesk.adoption.models import GraphConnection
from frpdesk.core.crypto import decrypt, encrypt
from frpdesk.customers.tests.factories import CustomerFactory

SECRET = "Zt7~Qm2.example-client-secret_Lp4Wv9Kc8Hx"


def raw_secret_column(customer_id: int) -> str:
    table = GraphConnection._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT client_secret FROM {table} WHERE customer_id = %s",
            [customer_id],
        )
        row = cursor.fetchone()
    assert row is not None
    return str(row[0])


def make_connection(secret: str) -> GraphConnection:
    customer = CustomerFactory()
    return GraphConnection.objects.create(
        customer=customer,
        tenant_id=customer.tenant_id,
        client_id="5d2e6f7a-8b9c-4d0e-a1f2-3b4c5d6e7f80",
        client_secret=secret,
    )


def test_encrypt_then_decrypt_gives_the_plain_text_back() -> None:
    token = encrypt(SECRET)

    assert SECRET not in token
    assert decrypt(token) == SECRET


def test_the_same_secret_encrypts_differently_each_time() -> None:
    assert encrypt(SECRET) != encrypt(SECRET)


def test_non_ascii_secrets_survive() -> None:
    assert decrypt(encrypt("pässwörd-ü-€")) == "pässwörd-ü-€"


def test_a_tampered_value_is_refused() -> None:
    token = encrypt(SECRET)
    tampered = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]

    with pytest.raises(ValueError, match="cannot decrypt a stored secret"):
        decrypt(tampered)


def test_a_changed_key_cannot_decrypt(settings: Any) -> None:
    settings.FRPDESK_ENCRYPTION_KEY = "key-one"
    token = encrypt(SECRET)
    settings.FRPDESK_ENCRYPTION_KEY = "key-two"

    with pytest.raises(ValueError, match="FRPDESK_ENCRYPTION_KEY"):
        decrypt(token)


def test_the_encryption_key_setting_wins_over_the_secret_key(settings: Any) -> None:
    settings.FRPDESK_ENCRYPTION_KEY = "dedicated-key"
    token = encrypt(SECRET)
    settings.SECRET_KEY = "another-django-secret-key-that-is-long-enough-0123456789"

    assert decrypt(token) == SECRET


def test_without_an_encryption_key_the_secret_key_is_used(settings: Any) -> None:
    settings.FRPDESK_ENCRYPTION_KEY = ""
    settings.SECRET_KEY = "django-secret-key-one-that-is-long-enough-0123456789"
    token = encrypt(SECRET)
    settings.SECRET_KEY = "django-secret-key-two-that-is-long-enough-0123456789"

    with pytest.raises(ValueError, match="cannot decrypt"):
        decrypt(token)


@pytest.mark.django_db
def test_the_field_stores_ciphertext_and_reads_plain_text() -> None:
    saved = make_connection(SECRET)

    raw = raw_secret_column(saved.customer_id)
    assert SECRET not in raw
    assert decrypt(raw) == SECRET
    assert GraphConnection.objects.get(pk=saved.pk).client_secret == SECRET


@pytest.mark.django_db
def test_the_field_re_encrypts_a_changed_value() -> None:
    saved = make_connection(SECRET)
    first = raw_secret_column(saved.customer_id)

    saved.client_secret = "a-new-secret-value-0123456789"
    saved.save()

    second = raw_secret_column(saved.customer_id)
    assert second != first
    assert "a-new-secret-value" not in second
    assert GraphConnection.objects.get(pk=saved.pk).client_secret == "a-new-secret-value-0123456789"


@pytest.mark.django_db
def test_an_empty_value_stays_empty() -> None:
    saved = make_connection("")

    assert raw_secret_column(saved.customer_id) == ""
    assert GraphConnection.objects.get(pk=saved.pk).client_secret == ""


@pytest.mark.django_db
def test_loading_with_a_changed_key_is_a_clear_error(settings: Any) -> None:
    settings.FRPDESK_ENCRYPTION_KEY = "key-at-save-time"
    saved = make_connection(SECRET)
    settings.FRPDESK_ENCRYPTION_KEY = "key-after-a-careless-redeploy"

    with pytest.raises(ValueError, match="FRPDESK_ENCRYPTION_KEY"):
        GraphConnection.objects.get(pk=saved.pk)
