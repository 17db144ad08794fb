"""Configuration from environment variables fails loudly on bad values."""

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from frpdesk.env import (
    env_bool,
    env_database,
    env_list,
    env_time_zone,
    parse_database_url,
    secret_key,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("true", True), ("Yes", True), ("off", False), ("0", False), ("", False)],
)
def test_env_bool(monkeypatch: pytest.MonkeyPatch, raw: str, expected: bool) -> None:
    monkeypatch.setenv("FRPDESK_DEBUG", raw)
    assert env_bool("FRPDESK_DEBUG", False) is expected


def test_env_bool_refuses_other_words(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRPDESK_DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match=r"FRPDESK_DEBUG must be one of .*got 'maybe'"):
        env_bool("FRPDESK_DEBUG", False)


def test_env_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRPDESK_ALLOWED_HOSTS", "desk.example.com, 10.0.0.5")
    assert env_list("FRPDESK_ALLOWED_HOSTS", []) == ["desk.example.com", "10.0.0.5"]
    monkeypatch.setenv("FRPDESK_ALLOWED_HOSTS", "a,,b")
    with pytest.raises(ImproperlyConfigured, match="without empty items"):
        env_list("FRPDESK_ALLOWED_HOSTS", [])


def test_time_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIME_ZONE", "Europe/Berlin")
    assert env_time_zone("TIME_ZONE", "UTC") == "Europe/Berlin"
    monkeypatch.setenv("TIME_ZONE", "Mars/Olympus")
    with pytest.raises(ImproperlyConfigured, match=r"IANA time zone.*'Mars/Olympus'"):
        env_time_zone("TIME_ZONE", "UTC")


def test_database_default_is_a_sqlite_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert env_database("DATABASE_URL", tmp_path / "db.sqlite3") == {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(tmp_path / "db.sqlite3"),
    }


def test_database_urls() -> None:
    assert parse_database_url(
        "postgres://app:s%40cret@db.internal:6543/frpdesk?sslmode=require"
    ) == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "frpdesk",
        "USER": "app",
        "PASSWORD": "s@cret",
        "HOST": "db.internal",
        "PORT": "6543",
        "OPTIONS": {"sslmode": "require"},
    }
    assert (
        parse_database_url("sqlite:////var/lib/frpdesk/db.sqlite3")["NAME"]
        == "/var/lib/frpdesk/db.sqlite3"
    )
    assert parse_database_url("sqlite:///data/frpdesk.sqlite3")["NAME"] == "data/frpdesk.sqlite3"
    assert parse_database_url("sqlite:///:memory:")["NAME"] == ":memory:"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://root@localhost/db", "must start with sqlite:// or postgres://"),
        ("postgres://postgres@localhost:5432/", "needs a database name"),
        ("postgres://postgres@localhost:port/db", "port is not a number"),
        ("sqlite://", "needs a file path"),
    ],
)
def test_bad_database_urls(url: str, message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        parse_database_url(url)


def test_secret_key_is_generated_once_and_kept(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("FRPDESK_SECRET_KEY", raising=False)
    key_file = tmp_path / "data" / "secret_key"
    first = secret_key("FRPDESK_SECRET_KEY", key_file)
    assert len(first) >= 50
    assert secret_key("FRPDESK_SECRET_KEY", key_file) == first
    assert key_file.stat().st_mode & 0o777 == 0o600
    monkeypatch.setenv("FRPDESK_SECRET_KEY", "short")
    with pytest.raises(ImproperlyConfigured, match="at least 32 characters"):
        secret_key("FRPDESK_SECRET_KEY", key_file)
    monkeypatch.setenv("FRPDESK_SECRET_KEY", "x" * 40)
    assert secret_key("FRPDESK_SECRET_KEY", key_file) == "x" * 40
