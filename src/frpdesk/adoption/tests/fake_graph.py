"""A fake Microsoft Graph and Microsoft Entra login service: a real HTTP server on loopback.

It behaves as the docs describe (``/work/shared/reference/usage-formats.md`` §1):

- login (what msal's client-credentials flow asks for): OIDC discovery at
  ``/{tenant}/v2.0/.well-known/openid-configuration`` and the token endpoint
  ``/{tenant}/oauth2/v2.0/token``, which issues a bearer token for the right client ID and secret
  (HTTP Basic, as msal sends them, or in the form body) and answers ``invalid_client`` 401 with
  AADSTS7000215 otherwise. An unknown tenant is AADSTS90002. The discovery document advertises
  https endpoints, as the real service does (msal accepts nothing else); the client under test
  reaches them over http on loopback.
- ``GET /v1.0/reports/getXxx(period='D30')`` answers 302 with an absolute Location to
  ``/download/<name>.csv?sig=…`` on this server: a pre-authenticated address, which refuses any
  request carrying an Authorization header (400) and records it in ``leaked_authorizations``.
- ``GET /v1.0/copilot/reports/getMicrosoft365CopilotUsageUserDetail(period='D30')``: JSON, paged
  with ``@odata.nextLink`` when ``copilot_page_size`` is set.
- ``GET /v1.0/subscribedSkus``: the sample licences.
- Graph calls without a token it issued: 401 ``InvalidAuthenticationToken``.

Faults: ``fail(path, status, times=N)`` makes the next N requests to a path answer 429 / 503
(with ``Retry-After``), 401, 403, 500…; ``times=None`` fails every request. Removing a report
from ``reports`` makes it 404.

The reports are the files of ``../shared/samples`` (tenant A, Fabrikam, refresh date
2025-11-20). There is no Viva Engage (Yammer) sample; its report is derived from the Yammer
columns of the Office 365 active-user sample, in the documented Yammer layout.
"""

import base64
import csv
import datetime
import io
import json
import os
import secrets
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

# ``../shared/samples`` next to the repository, as the other adoption tests find them.
SAMPLES = Path(
    os.environ.get(
        "FRPDESK_SAMPLES_DIR", Path(__file__).resolve().parents[5] / "shared" / "samples"
    )
)
FABRIKAM_TENANT = "b7e3c5a1-4f2d-4e8b-9a6c-0d1e2f3a4b5c"
FAKE_CLIENT_ID = "5d2e6f7a-8b9c-4d0e-a1f2-3b4c5d6e7f80"
FAKE_CLIENT_SECRET = "Qx8~fake.client.secret-4Hk2Zp9Lw7Nv3Rt6Yb1"
GRAPH_SCOPE = "https://graph.microsoft.com/.default"
REFRESH_DATE = datetime.date(2025, 11, 20)
COPILOT_REPORT = "getMicrosoft365CopilotUsageUserDetail"

REPORT_SAMPLES = {
    "getOffice365ActiveUserDetail": "Office365ActiveUserDetail_D30.csv",
    "getEmailActivityUserDetail": "EmailActivityUserDetail_D30.csv",
    "getOneDriveActivityUserDetail": "OneDriveActivityUserDetail_D30.csv",
    "getSharePointActivityUserDetail": "SharePointActivityUserDetail_D30.csv",
    "getTeamsUserActivityUserDetail": "TeamsUserActivityUserDetail_D30.csv",
    "getM365AppUserDetail": "M365AppUserDetail_D30.csv",
}
YAMMER_REPORT = "getYammerActivityUserDetail"
YAMMER_COLUMNS = [
    "Report Refresh Date",
    "User Principal Name",
    "Display Name",
    "User State",
    "State Change Date",
    "Last Activity Date",
    "Posted Count",
    "Read Count",
    "Liked Count",
    "Assigned Products",
    "Report Period",
]


def report_path(report: str, period: str = "D30") -> str:
    """The path Graph serves a report at, e.g. ``/v1.0/reports/getXxx(period='D30')``."""
    if report == COPILOT_REPORT:
        return f"/v1.0/copilot/reports/{report}(period='{period}')"
    return f"/v1.0/reports/{report}(period='{period}')"


def yammer_report_from_active_users(active_users_csv: bytes) -> bytes:
    """The Viva Engage user-detail report implied by the Office 365 active-user report."""
    rows = list(csv.DictReader(io.StringIO(active_users_csv.decode("utf-8-sig"))))
    window_start = REFRESH_DATE - datetime.timedelta(days=29)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(YAMMER_COLUMNS)
    for row in rows:
        if row["Has Yammer License"] != "True":
            continue
        last = row["Yammer Last Activity Date"]
        active = bool(last) and window_start <= datetime.date.fromisoformat(last) <= REFRESH_DATE
        deleted = row["Is Deleted"] == "True"
        writer.writerow(
            [
                row["Report Refresh Date"],
                row["User Principal Name"],
                row["Display Name"],
                "Deleted" if deleted else "Active",
                row["Deleted Date"],
                last,
                1 if active else 0,
                4 if active else 0,
                2 if active else 0,
                row["Assigned Products"],
                30,
            ]
        )
    return b"\xef\xbb\xbf" + out.getvalue().encode()


def sample_reports() -> dict[str, bytes]:
    reports = {name: (SAMPLES / file).read_bytes() for name, file in REPORT_SAMPLES.items()}
    reports[YAMMER_REPORT] = yammer_report_from_active_users(
        reports["getOffice365ActiveUserDetail"]
    )
    return reports


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str  # without the query string, percent-decoded
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes


@dataclass
class Fault:
    status: int
    remaining: int | None  # None: every request
    retry_after: str | None


@dataclass
class FakeGraph:
    """``with FakeGraph() as graph:`` serves on ``graph.url`` until the block ends."""

    tenant_id: str = FABRIKAM_TENANT
    client_id: str = FAKE_CLIENT_ID
    client_secret: str = FAKE_CLIENT_SECRET
    copilot_page_size: int | None = None
    reports: dict[str, bytes] = field(default_factory=sample_reports)
    copilot: dict[str, Any] = field(
        default_factory=lambda: json.loads(
            (SAMPLES / "Microsoft365CopilotUsageUserDetail_D30.json").read_text("utf-8")
        )
    )
    subscribed_skus: bytes = field(
        default_factory=lambda: (SAMPLES / "subscribedSkus.json").read_bytes()
    )
    requests: list[RecordedRequest] = field(default_factory=list)
    issued_tokens: list[str] = field(default_factory=list)
    leaked_authorizations: list[str] = field(default_factory=list)
    faults: dict[str, Fault] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._signatures: dict[str, str] = {}
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ---

    def start(self) -> "FakeGraph":
        handler = type("FakeGraphHandler", (_Handler,), {"graph": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        self._server = self._thread = None

    def __enter__(self) -> "FakeGraph":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None, "the fake Graph server is not running"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # --- configuration and inspection ---

    def fail(
        self, path: str, status: int, *, times: int | None = 1, retry_after: str | None = "1"
    ) -> None:
        """The next ``times`` requests to ``path`` (all when None) answer ``status``."""
        with self._lock:
            self.faults[path] = Fault(status, times, retry_after)

    def requests_to(self, path_prefix: str) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.path.startswith(path_prefix)]

    def _take_fault(self, path: str) -> Fault | None:
        with self._lock:
            fault = self.faults.get(path)
            if fault is None:
                return None
            if fault.remaining is not None:
                if fault.remaining <= 0:
                    return None
                fault.remaining -= 1
            return fault

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _issue_token(self) -> str:
        token = "fake-access-token." + secrets.token_urlsafe(24)
        with self._lock:
            self.issued_tokens.append(token)
        return token

    def _signature_for(self, report: str) -> str:
        signature = secrets.token_urlsafe(16)
        with self._lock:
            self._signatures[signature] = report
        return signature

    def _report_for_signature(self, signature: str) -> str | None:
        with self._lock:
            return self._signatures.get(signature)


class _Handler(BaseHTTPRequestHandler):
    graph: FakeGraph
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests inspect ``graph.requests`` instead."""

    # --- plumbing ---

    def _recorded(self) -> RecordedRequest:
        split = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = RecordedRequest(
            method=self.command,
            path=urllib.parse.unquote(split.path),
            query=urllib.parse.parse_qs(split.query),
            headers={name.lower(): value for name, value in self.headers.items()},
            body=body,
        )
        self.graph._record(request)
        return request

    def _send(
        self,
        status: int,
        body: bytes = b"",
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, document: Any, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(document).encode(), headers=headers)

    def _graph_error(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        self._json(
            status,
            {
                "error": {
                    "code": code,
                    "message": message,
                    "innerError": {"date": "2025-11-21T08:00:00", "request-id": "fake"},
                }
            },
            headers,
        )

    def _login_error(self, status: int, error: str, description: str) -> None:
        self._json(
            status,
            {
                "error": error,
                "error_description": f"{description}\r\nTrace ID: fake\r\nCorrelation ID: fake",
                "error_codes": [int(description.split(":")[0].removeprefix("AADSTS"))],
            },
        )

    # --- routing ---

    def do_GET(self) -> None:
        request = self._recorded()
        if self._answered_by_fault(request):
            return
        path = request.path
        if path.endswith("/v2.0/.well-known/openid-configuration"):
            self._openid_configuration(path.split("/")[1])
        elif path.startswith("/download/"):
            self._download(request)
        elif path.startswith("/v1.0/"):
            if self._authorised(request):
                self._graph(request)
        else:
            self._send(404, b"not found", "text/plain")

    def do_POST(self) -> None:
        request = self._recorded()
        if self._answered_by_fault(request):
            return
        parts = request.path.split("/")
        if len(parts) == 5 and parts[2:] == ["oauth2", "v2.0", "token"]:
            self._token(parts[1], request)
        else:
            self._send(404, b"not found", "text/plain")

    def _answered_by_fault(self, request: RecordedRequest) -> bool:
        fault = self.graph._take_fault(request.path)
        if fault is None:
            return False
        headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
        codes = {
            401: ("InvalidAuthenticationToken", "Access token validation failure."),
            403: ("Forbidden", "Insufficient privileges to complete the operation."),
            404: ("NotFound", "Resource not found."),
            429: ("TooManyRequests", "Too many requests."),
            503: ("ServiceUnavailable", "The service is temporarily unavailable."),
        }
        code, message = codes.get(fault.status, ("UnknownError", "Something went wrong."))
        self._graph_error(fault.status, code, message, headers)
        return True

    # --- login ---

    def _openid_configuration(self, tenant: str) -> None:
        if tenant.lower() != self.graph.tenant_id.lower():
            self._login_error(400, "invalid_tenant", f"AADSTS90002: Tenant '{tenant}' not found.")
            return
        # The real service advertises https; msal refuses anything else.
        host = self.headers.get("Host", "")
        base = f"https://{host}/{tenant}"
        self._json(
            200,
            {
                "issuer": f"{base}/v2.0",
                "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                "token_endpoint": f"{base}/oauth2/v2.0/token",
                "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
                "jwks_uri": f"https://{host}/{tenant}/discovery/v2.0/keys",
                "response_types_supported": ["code", "id_token", "code id_token", "token"],
                "token_endpoint_auth_methods_supported": [
                    "client_secret_post",
                    "private_key_jwt",
                    "client_secret_basic",
                ],
                "tenant_region_scope": "EU",
            },
        )

    def _token(self, tenant: str, request: RecordedRequest) -> None:
        form = {k: v[0] for k, v in urllib.parse.parse_qs(request.body.decode()).items()}
        client_id, client_secret = form.get("client_id", ""), form.get("client_secret", "")
        authorization = request.headers.get("authorization", "")
        if authorization.startswith("Basic "):
            decoded = base64.b64decode(authorization.removeprefix("Basic ")).decode()
            basic_id, _, basic_secret = decoded.partition(":")
            client_id = urllib.parse.unquote_plus(basic_id)
            client_secret = urllib.parse.unquote_plus(basic_secret)
        if tenant.lower() != self.graph.tenant_id.lower():
            self._login_error(400, "invalid_request", f"AADSTS90002: Tenant '{tenant}' not found.")
        elif form.get("grant_type") != "client_credentials":
            self._login_error(
                400, "unsupported_grant_type", "AADSTS70003: The grant type is not supported."
            )
        elif client_id != self.graph.client_id:
            self._login_error(
                400,
                "unauthorized_client",
                f"AADSTS700016: Application with identifier '{client_id}' was not found in the "
                f"directory '{tenant}'.",
            )
        elif client_secret != self.graph.client_secret:
            self._login_error(
                401,
                "invalid_client",
                "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in "
                "the request is the client secret value, not the client secret ID, for a secret "
                f"added to app '{client_id}'.",
            )
        elif form.get("scope", "").split() != [GRAPH_SCOPE]:
            self._login_error(
                400, "invalid_scope", "AADSTS1002012: The provided value for scope is not valid."
            )
        else:
            self._json(
                200,
                {
                    "token_type": "Bearer",
                    "expires_in": 3599,
                    "ext_expires_in": 3599,
                    "access_token": self.graph._issue_token(),
                },
            )

    # --- Graph ---

    def _authorised(self, request: RecordedRequest) -> bool:
        authorization = request.headers.get("authorization", "")
        token = authorization.removeprefix("Bearer ")
        if authorization.startswith("Bearer ") and token in self.graph.issued_tokens:
            return True
        self._graph_error(
            401,
            "InvalidAuthenticationToken",
            "Access token is empty." if not authorization else "Access token validation failure.",
        )
        return False

    def _graph(self, request: RecordedRequest) -> None:
        path = request.path
        if path == "/v1.0/subscribedSkus":
            self._send(200, self.graph.subscribed_skus)
            return
        if path == report_path(COPILOT_REPORT):
            self._copilot(request)
            return
        if path.startswith("/v1.0/reports/") and path.endswith("(period='D30')"):
            report = path.removeprefix("/v1.0/reports/").removesuffix("(period='D30')")
            if report in self.graph.reports:
                signature = self.graph._signature_for(report)
                location = (
                    f"http://{self.headers.get('Host')}/download/{report}.csv?sig={signature}"
                )
                self._send(302, b"", "text/plain", {"Location": location})
                return
        self._graph_error(404, "UnknownError", "Resource not found for the segment.")

    def _copilot(self, request: RecordedRequest) -> None:
        values = self.graph.copilot.get("value", [])
        size = self.graph.copilot_page_size
        if not size:
            self._json(200, self.graph.copilot)
            return
        start = int(request.query.get("$skiptoken", ["0"])[0])
        page: dict[str, Any] = {
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Collection("
            "microsoft.graph.copilotUsageUserDetail)",
            "value": values[start : start + size],
        }
        if start + size < len(values):
            page["@odata.nextLink"] = (
                f"http://{self.headers.get('Host')}{report_path(COPILOT_REPORT)}"
                f"?$skiptoken={start + size}"
            )
        self._json(200, page)

    def _download(self, request: RecordedRequest) -> None:
        authorization = request.headers.get("authorization")
        if authorization is not None:
            with self.graph._lock:
                self.graph.leaked_authorizations.append(authorization)
            self._send(400, b"Authorization header not allowed on a pre-authenticated URL")
            return
        report = self.graph._report_for_signature(request.query.get("sig", [""])[0])
        if report is None or request.path != f"/download/{report}.csv":
            self._send(403, b"signature invalid or expired", "text/plain")
            return
        content = self.graph.reports.get(report)
        if content is None:
            self._send(404, b"gone", "text/plain")
            return
        self._send(200, content, "application/octet-stream")


def serve_fake_graph(**options: Any) -> Iterator[FakeGraph]:
    """Generator for fixtures: a running fake Graph, stopped afterwards."""
    with FakeGraph(**options) as graph:
        yield graph
