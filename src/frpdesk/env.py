"""Typed readers for configuration taken from environment variables.

Each reader fails loudly (ImproperlyConfigured naming the variable and the bad value) instead
of silently falling back, so a typo in production never turns into a surprising default.
"""

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of {', '.join(sorted(_TRUE | _FALSE))}; got {os.environ[name]!r}"
    )


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name, "")
    if not raw.strip():
        return default
    items = [item.strip() for item in raw.split(",")]
    if any(not item for item in items):
        raise ImproperlyConfigured(f"{name} must be a comma-separated list without empty items")
    return items


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = minimum - 1
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be a whole number ≥ {minimum}; got {raw!r}")
    return value


def env_tasks_backend(name: str, redis_url: str) -> dict[str, Any]:
    """The job backend: the database queue (default, no extra server) or RQ on Redis."""
    kind = env_str(name, "database")
    if kind == "database":
        return {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    if kind == "rq":
        return {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}
    if kind == "immediate":
        return {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    raise ImproperlyConfigured(
        f"{name} must be database, rq or immediate; got {kind!r} (REDIS_URL is {redis_url!r})"
    )


def env_time_zone(name: str, default: str) -> str:
    value = env_str(name, default)
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ImproperlyConfigured(
            f"{name} must be an IANA time zone such as Europe/London; got {value!r}"
        ) from exc
    return value


def env_database(name: str, default_sqlite_path: Path) -> dict[str, Any]:
    """Django DATABASES['default'] from a URL: sqlite:///path, sqlite:///:memory:, postgres://."""
    url = os.environ.get(name, "").strip()
    if not url:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(default_sqlite_path)}
    return parse_database_url(url, variable=name)


def parse_database_url(url: str, *, variable: str = "DATABASE_URL") -> dict[str, Any]:
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        # As elsewhere: sqlite:///relative/path, sqlite:////absolute/path, sqlite:///:memory:
        path = unquote(parts.path)[1:]
        if not path:
            raise ImproperlyConfigured(f"{variable}: a sqlite URL needs a file path: {url!r}")
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": path}
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        database = unquote(parts.path.lstrip("/"))
        if not database:
            raise ImproperlyConfigured(f"{variable}: a postgres URL needs a database name: {url!r}")
        try:
            port = parts.port
        except ValueError as exc:
            raise ImproperlyConfigured(f"{variable}: the port is not a number: {url!r}") from exc
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": database,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(port or ""),
            "OPTIONS": dict(parse_qsl(parts.query)),
        }
    raise ImproperlyConfigured(
        f"{variable} must start with sqlite:// or postgres://; got scheme {parts.scheme!r}"
    )


def secret_key(name: str, key_file: Path) -> str:
    """The key from the environment, else one generated once and kept in the data directory."""
    value = os.environ.get(name, "").strip()
    if value:
        if len(value) < 32:
            raise ImproperlyConfigured(f"{name} must be at least 32 characters long")
        return value
    if key_file.exists():
        return key_file.read_text().strip()
    key_file.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(50)
    key_file.write_text(value)
    key_file.chmod(0o600)
    return value
