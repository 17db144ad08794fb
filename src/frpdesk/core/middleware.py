"""Request IDs and structured logs.

``RequestIdMiddleware`` (first in ``MIDDLEWARE``) gives every request an ID — the caller's
``X-Request-ID`` when it is a plain token of at most 64 characters, else a new one —, keeps it
in a context variable for everything logged while the request runs (and as the correlation ID
of the audit-log entries it writes), returns it in the ``X-Request-ID`` response header, and
logs one line per request: method, path, status, duration and user id.

``FRPDESK_LOG_FORMAT=json`` turns every log line into one JSON object (``JsonFormatter``). What a
line may hold is a fixed list of fields: request bodies, headers, cookies and query strings are
never among them, and secrets that still reach a message (``?token=…`` in a URL, an
``Authorization`` value) are masked by ``redact`` in both formats.

This module is imported while logging is configured, before the apps are ready: no models here.
"""

from __future__ import annotations

import datetime
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseBase
from django.utils.functional import empty

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_request_id: ContextVar[str | None] = ContextVar("frpdesk_request_id", default=None)

request_logger = logging.getLogger("frpdesk.request")
# Load balancers ask every few seconds: their requests are logged at DEBUG.
QUIET_PATHS = frozenset({"/health/"})


def current_request_id() -> str | None:
    """The ID of the request being served (``None`` outside requests); AUDITLOG_CID_GETTER."""
    return _request_id.get()


def request_id_from(value: str | None) -> str:
    """The caller's request ID when it is acceptable, else a new one."""
    if value and _VALID_REQUEST_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        # Set until the response is closed (``request_finished``): Django logs 4xx and 5xx
        # responses ("Not Found: /x") after the last middleware has returned.
        request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        _request_id.set(request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        path = loggable_path(request)
        quiet = request.path in QUIET_PATHS and response.status_code < 400
        request_logger.log(
            logging.DEBUG if quiet else logging.INFO,
            "%s %s %s %.0f ms",
            request.method,
            path,
            response.status_code,
            duration_ms,
            extra={
                "method": request.method,
                "path": path,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "user_id": _user_id(request),
            },
        )
        return response


@receiver(request_finished, dispatch_uid="frpdesk.core.middleware.forget_request_id")
def forget_request_id(**kwargs: Any) -> None:
    """Logs between requests (same thread) do not carry the last request's ID."""
    _request_id.set(None)


_SENSITIVE_NAME = re.compile(r"token|key|secret|password|passwd|uid|signature|code", re.IGNORECASE)


def loggable_path(request: HttpRequest) -> str:
    """The path without its query string, URL parameters named like secrets masked
    (``/accounts/reset/<uidb64>/<token>/`` → ``/accounts/reset/[redacted]/[redacted]/``)."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    if match is not None:
        for name, value in match.kwargs.items():
            text = str(value)
            if text and _SENSITIVE_NAME.search(name):
                path = path.replace(text, "[redacted]")
    return path


def _user_id(request: HttpRequest) -> Any:
    """The signed-in user's id, if the request looked the user up (never looked up just for this:
    that would read the session, even when the database is down)."""
    user = getattr(request, "user", None)
    if user is None:
        return None
    wrapped = getattr(user, "_wrapped", user)  # request.user is a lazy object
    if wrapped is empty or not getattr(wrapped, "is_authenticated", False):
        return None
    return wrapped.pk


# --- redaction -------------------------------------------------------------------------------

_SECRET_PARAMETER = re.compile(
    r"(?P<name>[?&;][^=&\s#\"']*?(?:token|key|secret|password|passwd|pwd|signature|sig|code|"
    r"auth|session|credential)[^=&\s#\"']*=)[^&\s#\"']*",
    re.IGNORECASE,
)
_SECRET_HEADER = re.compile(
    r"(?P<name>(?<![a-z])(?:authorization|cookie|x-api-key)[\"']?\s*[:=]\s*)"
    r"(?:[\"'][^\"']*[\"']|[^\r\n,}]+)",
    re.IGNORECASE,
)
_SECRET_SCHEME = re.compile(
    r"\b(?P<name>bearer|token|basic)\s+[A-Za-z0-9._~+/=-]{12,}", re.IGNORECASE
)
REDACTED = "[redacted]"


def redact(text: str) -> str:
    """Mask secrets that may appear in a log message or traceback."""
    text = _SECRET_PARAMETER.sub(lambda m: m["name"] + REDACTED, text)
    text = _SECRET_HEADER.sub(lambda m: m["name"] + REDACTED, text)
    return _SECRET_SCHEME.sub(lambda m: f"{m['name']} {REDACTED}", text)


# --- logging -------------------------------------------------------------------------------


class RequestContextFilter(logging.Filter):
    """Adds ``request_id`` to every record and masks secrets in its message."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = _request_id.get()
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: logging reports it when formatting
            return True
        masked = redact(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


class RedactingFormatter(logging.Formatter):
    """The text format (for humans): as configured, with secrets masked in tracebacks too."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id, and for the request
    line method, path, status, duration_ms and user_id; ``exception`` with a traceback."""

    REQUEST_FIELDS = ("method", "path", "status", "duration_ms", "user_id")

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
            "request_id": getattr(record, "request_id", None) or _request_id.get(),
        }
        for name in self.REQUEST_FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        if record.stack_info:
            entry["stack"] = redact(self.formatStack(record.stack_info))
        return json.dumps(entry, ensure_ascii=False, default=str)
