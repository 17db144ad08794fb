"""Request IDs and JSON logs: one JSON object per line, the request's ID on each, no secrets."""

import io
import json
import logging
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from frpdesk.accounts import roles
from frpdesk.accounts.models import User
from frpdesk.core.middleware import (
    JsonFormatter,
    RedactingFormatter,
    RequestContextFilter,
    RequestIdMiddleware,
    current_request_id,
    redact,
)
from frpdesk.customers.models import Tag

SECRETS = ("SECRET-IN-QUERY-0001", "SECRET-TOKEN-0002", "SECRET-COOKIE-0003", "SECRET-BODY-0004")


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """What the console handler writes with FRPDESK_LOG_FORMAT=json, for every logger."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    request_logger = logging.getLogger("frpdesk.request")
    levels = root.level, request_logger.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    request_logger.setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    root.setLevel(levels[0])
    request_logger.setLevel(levels[1])


def entries(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def request_line(stream: io.StringIO) -> dict[str, Any]:
    (line,) = [entry for entry in entries(stream) if entry["logger"] == "frpdesk.request"]
    return line


@pytest.mark.django_db
def test_a_request_logs_one_json_line_with_its_id_and_no_secrets(
    client: Client, json_log: io.StringIO
) -> None:
    response = client.post(
        f"/api/customers/?token={SECRETS[0]}&page=2",
        data={"password": SECRETS[3]},
        HTTP_AUTHORIZATION=f"Token {SECRETS[1]}",
        HTTP_COOKIE=f"sessionid={SECRETS[2]}",
        HTTP_X_REQUEST_ID="lb-7f3a.9_x",
    )
    assert response.status_code == 401
    assert response["X-Request-ID"] == "lb-7f3a.9_x"
    output = json_log.getvalue()
    for secret in SECRETS:
        assert secret not in output
    lines = entries(json_log)
    assert len(lines) >= 2  # Django's "Unauthorized" warning and the request line
    assert all(line["request_id"] == "lb-7f3a.9_x" for line in lines)
    line = request_line(json_log)
    assert set(line) == {
        "time",
        "level",
        "logger",
        "message",
        "request_id",
        "method",
        "path",
        "status",
        "duration_ms",
        "user_id",
    }
    assert (line["level"], line["method"], line["path"], line["status"]) == (
        "INFO",
        "POST",
        "/api/customers/",
        401,
    )
    assert line["user_id"] is None
    assert line["message"].startswith("POST /api/customers/ 401 ")
    assert isinstance(line["duration_ms"], float)
    assert line["time"].endswith("+00:00")


@pytest.mark.django_db
def test_the_request_line_names_the_signed_in_user(
    client: Client, make_user: Callable[..., User], json_log: io.StringIO
) -> None:
    user = make_user(roles.AUDITOR)
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    line = request_line(json_log)
    assert (line["path"], line["status"], line["user_id"]) == ("/", 200, user.pk)
    assert len(response["X-Request-ID"]) == 32  # generated


@pytest.mark.django_db  # closing the response closes old database connections too
@pytest.mark.parametrize(
    "given",
    ["", "a" * 65, "has space", "line\nbreak", "semi;colon", "ünï", "<script>"],
)
def test_an_unacceptable_request_id_is_replaced(given: str) -> None:
    seen: list[str | None] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(current_request_id())
        return HttpResponse("ok")

    request = RequestFactory().get("/", headers={"X-Request-ID": given} if given else {})
    response = RequestIdMiddleware(view)(request)
    request_id = response["X-Request-ID"]
    assert request_id != given
    assert len(request_id) == 32
    assert int(request_id, 16) >= 0
    assert seen == [request_id]
    response.close()  # as the server does once it has sent the response
    assert current_request_id() is None


def test_an_acceptable_request_id_is_kept() -> None:
    given = "A" * 64
    response = RequestIdMiddleware(lambda request: HttpResponse())(
        RequestFactory().get("/", headers={"X-Request-ID": given})
    )
    assert response["X-Request-ID"] == given


@pytest.mark.django_db
def test_audit_entries_carry_the_request_id() -> None:
    def view(request: HttpRequest) -> HttpResponse:
        Tag.objects.create(name="Audited")
        return HttpResponse()

    RequestIdMiddleware(view)(RequestFactory().post("/", headers={"X-Request-ID": "req-42"}))
    entry = LogEntry.objects.get(object_repr="Audited")
    assert entry.cid == "req-42"


@pytest.mark.django_db
def test_health_checks_are_logged_at_debug_only(client: Client, json_log: io.StringIO) -> None:
    client.get("/health/")
    assert request_line(json_log)["level"] == "DEBUG"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '"GET /api/x/?token=abc123&page=2 HTTP/1.1" 200',
            '"GET /api/x/?token=[redacted]&page=2 HTTP/1.1" 200',
        ),
        (
            "/cb?code=xyz&state=1&access_token=t0k",
            "/cb?code=[redacted]&state=1&access_token=[redacted]",
        ),
        ("/x?api_key=k&client_secret=s", "/x?api_key=[redacted]&client_secret=[redacted]"),
        ("Authorization: Token 0123456789abcdef", "Authorization: [redacted]"),
        ("{'HTTP_AUTHORIZATION': 'Bearer abc.def'}", "{'HTTP_AUTHORIZATION': [redacted]}"),
        ("Cookie: sessionid=abc; csrftoken=def", "Cookie: [redacted]"),
        ("sent Bearer eyJhbGciOiJIUzI1NiJ9.x.y", "sent Bearer [redacted]"),
        ("Customer 42 saved; 3 pages", "Customer 42 saved; 3 pages"),
    ],
)
def test_redact(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_the_text_format_masks_secrets_in_tracebacks_too() -> None:
    logger = logging.getLogger("frpdesk.tests.redaction")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(RedactingFormatter())
    logger.addHandler(handler)
    try:
        try:
            raise ValueError("https://graph.example/report?sig=SIGNATURE-XYZ")
        except ValueError:
            logger.exception("Download of %s failed", "https://x.example/?token=TOKEN-ABC")
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    assert "Download of https://x.example/?token=[redacted] failed" in output
    assert "Traceback" in output
    assert "SIGNATURE-XYZ" not in output
    assert "TOKEN-ABC" not in output


def test_a_json_line_holds_an_exception_on_one_line() -> None:
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "boom %s", ("now",), None)
    try:
        raise RuntimeError("inner")
    except RuntimeError:
        record.exc_info = sys.exc_info()
    record.status_code = 500  # extras other than the request fields stay out
    record.request = object()
    RequestContextFilter().filter(record)
    text = JsonFormatter().format(record)
    assert "\n" not in text
    entry = json.loads(text)
    assert entry["message"] == "boom now"
    assert "RuntimeError: inner" in entry["exception"]
    assert set(entry) == {"time", "level", "logger", "message", "request_id", "exception"}


def run_python(tmp_path: Path, code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={
            "FRPDESK_DATA_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "frpdesk.settings",
            "PATH": "",
            **env,
        },
        check=False,
    )


def test_frpdesk_log_format_json_configures_every_logger(tmp_path: Path) -> None:
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('frpdesk.anything').warning('fetched %s', '/r?token=abc')"
    )
    result = run_python(tmp_path, code, FRPDESK_LOG_FORMAT="json")
    assert result.returncode == 0, result.stderr
    (line,) = result.stderr.splitlines()
    entry = json.loads(line)
    assert entry["message"] == "fetched /r?token=[redacted]"
    assert (entry["level"], entry["logger"], entry["request_id"]) == (
        "WARNING",
        "frpdesk.anything",
        None,
    )

    text = run_python(tmp_path, code)  # the default: text for humans
    assert text.stderr.strip() == "fetched /r?token=[redacted]"

    wrong = run_python(tmp_path, code, FRPDESK_LOG_FORMAT="xml")
    assert wrong.returncode != 0
    assert "FRPDESK_LOG_FORMAT must be text or json; got 'xml'" in wrong.stderr
