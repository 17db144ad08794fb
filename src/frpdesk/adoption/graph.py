"""Microsoft Graph connector: a customer's usage reports and licences, pulled with its app
registration (client credentials).

- ``save_graph_connection``: store a customer's app registration; the secret is kept encrypted.
- ``GraphClient``: signs in with msal and calls Graph over httpx. It follows the reports' 302
  redirect to the pre-authenticated CSV download *without* the Authorization header, retries
  429 / 503 honouring Retry-After (a bounded number of attempts, each wait capped), and turns every
  failure into a ``GraphError`` whose message says what is wrong and never contains the client
  secret, the access token or the pre-authenticated download address.
- ``pull_usage``: fetch ``subscribedSkus`` (imported as today's licence snapshot, so PAU exists),
  the seven user-detail reports for the last 30 days and the Copilot usage JSON; import each one
  (a failed report does not stop the others) and record the outcome on the connection.

msal accepts only https authorities and token endpoints. Plain http is allowed on loopback hosts
only (the tests' fake server): msal is then given the https form of the login address and an HTTP
client that sends those requests over http. Anywhere else plain http is refused, because the
client secret and the access token would travel in clear.
"""

import datetime
import email.utils
import ipaddress
import json
import logging
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import msal
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from frpdesk.accounts.models import User
from frpdesk.adoption.models import (
    GraphConnection,
    ImportSource,
    ImportStatus,
    PullStatus,
    UsageImport,
)
from frpdesk.adoption.services import import_usage_file
from frpdesk.core.imports import ImportFailure, check_upload_size
from frpdesk.customers.models import Customer
from frpdesk.licensing.services import SnapshotOutcome, import_license_file

logger = logging.getLogger(__name__)

GRAPH_SCOPE = "https://graph.microsoft.com/.default"
REPORT_PERIOD = "D30"
USER_DETAIL_REPORTS = (
    "getOffice365ActiveUserDetail",
    "getEmailActivityUserDetail",
    "getOneDriveActivityUserDetail",
    "getSharePointActivityUserDetail",
    "getTeamsUserActivityUserDetail",
    "getM365AppUserDetail",
    "getYammerActivityUserDetail",
)
COPILOT_REPORT = "getMicrosoft365CopilotUsageUserDetail"
LICENCES = "subscribedSkus"
REPORTS_PERMISSION = "Reports.Read.All"
LICENCES_PERMISSION = "Organization.Read.All (or LicenseAssignment.Read.All)"

RETRIED_STATUSES = frozenset({429, 503})
DEFAULT_MAX_ATTEMPTS = 4
DEFAULT_MAX_WAIT_SECONDS = 60.0
DEFAULT_TIMEOUT_SECONDS = 60.0
MAX_PAGES = 10_000
DETAIL_LENGTH = 200
MIN_SCRUBBED_LENGTH = 8  # shorter "secrets" (typos in tests) would blank out ordinary words

Sleep = Callable[[float], None]


class GraphError(Exception):
    """A failed sign-in or Graph call; the message is safe to show and to log."""


class SignInError(GraphError):
    """The app registration could not sign in to the tenant: nothing can be pulled."""


def report_call(report: str) -> str:
    """The function call of a report as Graph's URL has it: ``getXxx(period='D30')``."""
    return f"{report}(period='{REPORT_PERIOD}')"


def report_file_name(report: str) -> str:
    return f"{report_call(report)}.{'json' if report == COPILOT_REPORT else 'csv'}"


# --- connections -----------------------------------------------------------------------------


@transaction.atomic
def save_graph_connection(
    *,
    acting_user: User | None,
    customer: Customer,
    tenant_id: uuid.UUID | str,
    client_id: uuid.UUID | str,
    client_secret: str | None,
    enabled: bool,
) -> GraphConnection:
    """Create or change a customer's app registration. A blank secret keeps the stored one."""
    connection = GraphConnection.objects.select_for_update().filter(customer=customer).first()
    secret = (client_secret or "").strip()
    if connection is None:
        if not secret:
            raise ValidationError(
                {
                    "client_secret": ValidationError(
                        "A new connection needs the client secret (its value, not its ID).",
                        code="required",
                    )
                }
            )
        connection = GraphConnection(customer=customer)
    connection.tenant_id = tenant_id.strip() if isinstance(tenant_id, str) else tenant_id
    connection.client_id = client_id.strip() if isinstance(client_id, str) else client_id
    if secret:
        connection.client_secret = secret
    connection.enabled = enabled
    connection.full_clean()
    if customer.tenant_id and str(connection.tenant_id) != str(uuid.UUID(str(customer.tenant_id))):
        raise ValidationError(
            {
                "tenant_id": ValidationError(
                    f"The connection must sign in to the customer's own tenant "
                    f"{customer.tenant_id}; usage of another tenant would be filed under "
                    f"{customer.name}.",
                    code="other_tenant",
                )
            }
        )
    connection.save()
    logger.info(
        "Microsoft Graph connection of customer %s saved by %s (secret %s)",
        customer.pk,
        acting_user or "the system",
        "changed" if secret else "kept",
    )
    return connection


# --- the client ------------------------------------------------------------------------------


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _checked_base_url(url: str, setting: str) -> httpx.URL:
    parsed = httpx.URL(url.rstrip("/"))
    if parsed.scheme == "https" and parsed.host:
        return parsed
    if parsed.scheme == "http" and parsed.host and _is_loopback(parsed.host):
        return parsed
    raise GraphError(
        f"{setting} must be an https address (plain http only on loopback, for tests); "
        f"it is {url!r}."
    )


def _origin(url: httpx.URL) -> str:
    port = f":{url.port}" if url.port else ""
    return f"{url.host}{port}"


class _MsalHttpClient:
    """msal's HttpClient interface (requests-like ``get`` / ``post``) over our httpx client.

    When the login service is a loopback http server, msal still sees https addresses (it accepts
    nothing else) and this client sends the requests for that origin over http.
    """

    def __init__(self, client: httpx.Client, plain_http_origin: str | None) -> None:
        self._client = client
        self._plain_http_prefix = f"https://{plain_http_origin}/" if plain_http_origin else None

    def _url(self, url: str) -> str:
        if self._plain_http_prefix and url.startswith(self._plain_http_prefix):
            return "http://" + url.removeprefix("https://")
        return url

    @staticmethod
    def _headers(headers: dict[str, Any] | None) -> dict[str, str]:
        return {key: str(value) for key, value in (headers or {}).items() if value is not None}

    def get(
        self,
        url: str,
        params: dict[str, Any] | None = None,
        headers: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        return self._client.get(self._url(url), params=params, headers=self._headers(headers))

    def post(
        self,
        url: str,
        params: dict[str, Any] | None = None,
        data: dict[str, Any] | str | bytes | None = None,
        headers: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        if isinstance(data, dict):
            return self._client.post(
                self._url(url), params=params, data=data, headers=self._headers(headers)
            )
        return self._client.post(
            self._url(url), params=params, content=data, headers=self._headers(headers)
        )

    def close(self) -> None:
        """The httpx client belongs to GraphClient, which closes it."""


# Microsoft Entra error codes worth explaining in the operator's words.
SIGN_IN_PROBLEMS = {
    "AADSTS7000215": "the client secret is wrong (enter the secret's Value, not its Secret ID)",
    "AADSTS7000222": "the client secret has expired; create a new one in the app registration",
    "AADSTS700016": (
        "no app registration with this client ID is known in the tenant (wrong client ID, or "
        "the app was never consented to in this tenant)"
    ),
    "AADSTS90002": "the tenant does not exist (check the tenant ID)",
    "AADSTS900023": "the tenant ID is not valid",
    "AADSTS7000112": "the application is disabled",
}


def _first_sentence(text: str) -> str:
    first_line = text.strip().splitlines()[0] if text.strip() else ""
    sentence = first_line.split(". ")[0].rstrip(".")
    return sentence[:DETAIL_LENGTH]


class GraphClient:
    """Signs in to one tenant with an app registration and reads Microsoft Graph."""

    def __init__(
        self,
        *,
        tenant_id: str,
        client_id: str,
        client_secret: str,
        graph_url: str | None = None,
        login_url: str | None = None,
        sleep: Sleep = time.sleep,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        max_wait_seconds: float = DEFAULT_MAX_WAIT_SECONDS,
        timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
    ) -> None:
        self.tenant_id = str(tenant_id)
        self.client_id = str(client_id)
        self._client_secret = client_secret
        self._graph = _checked_base_url(
            graph_url or settings.FRPDESK_GRAPH_URL, "FRPDESK_GRAPH_URL"
        )
        self._login = _checked_base_url(
            login_url or settings.FRPDESK_GRAPH_LOGIN_URL, "FRPDESK_GRAPH_LOGIN_URL"
        )
        self._api = str(self._graph).rstrip("/") + "/v1.0"
        self._sleep = sleep
        self._max_attempts = max(1, max_attempts)
        self._max_wait = max_wait_seconds
        self._timeout = timeout_seconds
        self._http = httpx.Client(
            timeout=httpx.Timeout(timeout_seconds, connect=min(timeout_seconds, 15.0)),
            follow_redirects=False,
            headers={"User-Agent": "frpdesk (Microsoft Graph usage reports)"},
        )
        self._token: str | None = None

    @classmethod
    def for_connection(cls, connection: GraphConnection, **options: Any) -> "GraphClient":
        return cls(
            tenant_id=str(connection.tenant_id),
            client_id=str(connection.client_id),
            client_secret=connection.client_secret,
            **options,
        )

    def __enter__(self) -> "GraphClient":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def scrub(self, text: str) -> str:
        """The text without the client secret or the access token, should either slip in."""
        for secret in (self._client_secret, self._token):
            if secret and len(secret) >= MIN_SCRUBBED_LENGTH:
                text = text.replace(secret, "[redacted]")
        return text

    # --- sign-in ---

    def access_token(self) -> str:
        """An app-only access token for Graph (client credentials), fetched once per client."""
        if self._token is None:
            self._token = self._sign_in()
        return self._token

    def _sign_in(self) -> str:
        where = f"Sign-in of app {self.client_id} to tenant {self.tenant_id} failed"
        plain_http_origin = _origin(self._login) if self._login.scheme == "http" else None
        authority = f"https://{_origin(self._login)}{self._login.path.rstrip('/')}/{self.tenant_id}"
        try:
            app = msal.ConfidentialClientApplication(
                self.client_id,
                client_credential=self._client_secret,
                authority=authority,
                http_client=_MsalHttpClient(self._http, plain_http_origin),
                instance_discovery=False,
            )
            result = app.acquire_token_for_client(scopes=[GRAPH_SCOPE])
        except httpx.TimeoutException as exc:
            raise SignInError(
                f"{where}: {self._login.host} did not answer within {self._timeout:g} s."
            ) from exc
        except httpx.TransportError as exc:
            raise SignInError(
                f"{where}: cannot reach {self._login.host} ({type(exc).__name__})."
            ) from exc
        except ValueError as exc:  # msal: OIDC discovery refused or unreadable
            raise SignInError(
                f"{where}: the login service has no configuration for this tenant "
                "(check the tenant ID)."
            ) from exc
        except msal.exceptions.MsalError as exc:  # msal: the login service answered 5xx
            raise SignInError(
                f"{where}: the login service answered with a server error; try again later."
            ) from exc
        token = result.get("access_token") if isinstance(result, dict) else None
        if isinstance(token, str) and token:
            return token
        error = str(result.get("error", "unknown_error")) if isinstance(result, dict) else ""
        description = str(result.get("error_description") or "") if isinstance(result, dict) else ""
        problem = next(
            (text for code, text in SIGN_IN_PROBLEMS.items() if f"{code}:" in description),
            _first_sentence(description) or "no access token was issued",
        )
        raise SignInError(self.scrub(f"{where} ({error}): {problem}."))

    # --- Graph calls ---

    def download_report(self, report: str, *, max_bytes: int | None = None) -> bytes:
        """A user-detail report's CSV: Graph answers 302 to a pre-authenticated download, which is
        fetched without the Authorization header."""
        call = report_call(report)
        response = self._graph_get(f"{self._api}/reports/{call}", call, REPORTS_PERMISSION)
        if response.status_code == 200:  # a proxy (or a future Graph) may answer the CSV directly
            content = response.content
            self._check_size(call, len(content), max_bytes)
            return content
        location = response.headers.get("Location")
        if not response.is_redirect or not location:
            raise GraphError(
                f"{call}: Microsoft Graph answered {response.status_code} "
                f"{response.reason_phrase} without a download address."
            )
        return self._download(call, response.url.join(location), max_bytes)

    def get_document(self, path: str, *, what: str, permission: str) -> dict[str, Any]:
        """A JSON collection, all pages (``@odata.nextLink``) merged into one ``value`` list."""
        url = f"{self._api}/{path.lstrip('/')}"
        document: dict[str, Any] | None = None
        values: list[Any] = []
        seen: set[str] = set()
        for _page in range(MAX_PAGES):
            response = self._graph_get(url, what, permission)
            if response.status_code != 200:
                raise GraphError(
                    f"{what}: Microsoft Graph answered {response.status_code} "
                    f"{response.reason_phrase} instead of JSON."
                )
            page = _json_object(response, what)
            if document is None:
                document = {k: v for k, v in page.items() if k != "@odata.nextLink"}
            page_values = page.get("value", [])
            if not isinstance(page_values, list):
                raise GraphError(f"{what}: the answer's “value” is not a list.")
            values.extend(page_values)
            next_link = page.get("@odata.nextLink")
            if not next_link:
                document["value"] = values
                return document
            if not isinstance(next_link, str) or not self._on_graph(httpx.URL(next_link)):
                raise GraphError(
                    f"{what}: the next page is not on {self._graph.host}; not following it."
                )
            if next_link in seen:
                raise GraphError(f"{what}: the next page repeats an earlier one.")
            seen.add(next_link)
            url = next_link
        raise GraphError(f"{what}: more than {MAX_PAGES} pages.")

    def _on_graph(self, url: httpx.URL) -> bool:
        return url.scheme == self._graph.scheme and _origin(url) == _origin(self._graph)

    def _graph_get(self, url: str, what: str, permission: str) -> httpx.Response:
        """GET on Graph with the bearer token (only ever sent to the Graph host)."""
        target = httpx.URL(url)
        if not self._on_graph(target):
            raise GraphError(f"{what}: refusing to send the access token to {target.host}.")
        token = self.access_token()
        response = self._with_retries(
            what,
            lambda: self._http.get(
                target, headers={"Authorization": f"Bearer {token}", "Accept": "application/json"}
            ),
        )
        if response.status_code < 300 or response.is_redirect:
            return response
        raise self._status_error(response, what, permission)

    def _download(self, call: str, url: httpx.URL, max_bytes: int | None) -> bytes:
        if url.scheme != "https" and not (url.host and _is_loopback(url.host)):
            raise GraphError(f"{call}: the download address is not https; not following it.")
        body: list[bytes] = []

        def fetch() -> httpx.Response:
            body.clear()
            # No Authorization header: the address is pre-authenticated, and the token must not
            # reach another host. Redirects are safe to follow for the same reason.
            with self._http.stream("GET", url, follow_redirects=True) as response:
                if response.status_code == 200:
                    size = 0
                    for chunk in response.iter_bytes():
                        size += len(chunk)
                        self._check_size(call, size, max_bytes)
                        body.append(chunk)
                else:
                    response.read()
                return response

        response = self._with_retries(call, fetch)
        if response.status_code == 200:
            return b"".join(body)
        if response.status_code in (401, 403):
            raise GraphError(
                f"{call}: the download was refused ({response.status_code} "
                f"{response.reason_phrase}); its pre-authenticated address may have expired, "
                "try again."
            )
        raise GraphError(
            f"{call}: the download failed ({response.status_code} {response.reason_phrase})."
        )

    @staticmethod
    def _check_size(call: str, size: int, max_bytes: int | None) -> None:
        if max_bytes is not None and size > max_bytes:
            raise GraphError(
                f"{call}: the report is larger than the upload limit of "
                f"{max_bytes // (1024 * 1024)} MB."
            )

    def _with_retries(self, what: str, send: Callable[[], httpx.Response]) -> httpx.Response:
        """Send, and resend on 429 / 503 after the server's Retry-After (capped), a bounded number
        of times; timeouts and unreachable hosts become GraphError."""
        for attempt in range(1, self._max_attempts + 1):
            try:
                response = send()
            except httpx.TimeoutException as exc:
                raise GraphError(
                    f"{what}: no answer within {self._timeout:g} s (timeout); try again later."
                ) from exc
            except httpx.TransportError as exc:
                raise GraphError(
                    f"{what}: cannot reach {exc.request.url.host} ({type(exc).__name__})."
                ) from exc
            if response.status_code not in RETRIED_STATUSES:
                return response
            if attempt == self._max_attempts:
                raise GraphError(
                    f"{what}: still {response.status_code} {response.reason_phrase} after "
                    f"{attempt} attempts (Microsoft Graph is throttling or unavailable); "
                    "try again later."
                )
            wait = min(self._retry_after(response, attempt), self._max_wait)
            logger.info(
                "%s: %s %s, attempt %s of %s; retrying in %s s",
                what,
                response.status_code,
                response.reason_phrase,
                attempt,
                self._max_attempts,
                wait,
            )
            self._sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def _retry_after(response: httpx.Response, attempt: int) -> float:
        """Seconds to wait: Retry-After as seconds or an HTTP date; else exponential backoff."""
        value = response.headers.get("Retry-After", "").strip()
        if value:
            try:
                return max(0.0, float(value))
            except ValueError:
                pass
            try:
                when = email.utils.parsedate_to_datetime(value)
            except (TypeError, ValueError):
                when = None
            if when is not None:
                if when.tzinfo is None:
                    when = when.replace(tzinfo=datetime.UTC)
                return max(0.0, (when - datetime.datetime.now(datetime.UTC)).total_seconds())
        return float(2**attempt)

    def _status_error(self, response: httpx.Response, what: str, permission: str) -> GraphError:
        status = f"{response.status_code} {response.reason_phrase}"
        detail = self._graph_error_detail(response)
        suffix = f": {detail}" if detail else ""
        if response.status_code == 401:
            message = (
                f"{what}: Microsoft Graph refused the access token ({status}{suffix}); check "
                f"that the app registration belongs to tenant {self.tenant_id}."
            )
        elif response.status_code == 403:
            message = (
                f"{what}: access denied ({status}): the app registration lacks {permission} (an "
                "application permission, with admin consent in the tenant)."
            )
        elif response.status_code == 404:
            message = f"{what}: not available for this tenant ({status}{suffix})."
        else:
            message = f"{what}: Microsoft Graph answered {status}{suffix}."
        return GraphError(self.scrub(message))

    @staticmethod
    def _graph_error_detail(response: httpx.Response) -> str:
        """``code: message`` of Graph's error document, shortened; empty when there is none."""
        try:
            error = response.json().get("error")
        except (ValueError, AttributeError):
            return ""
        if not isinstance(error, dict):
            return ""
        parts = [str(error[key]) for key in ("code", "message") if error.get(key)]
        return ": ".join(parts)[:DETAIL_LENGTH]


def _json_object(response: httpx.Response, what: str) -> dict[str, Any]:
    try:
        document = response.json()
    except ValueError as exc:
        raise GraphError(f"{what}: the answer is not valid JSON.") from exc
    if not isinstance(document, dict):
        raise GraphError(f"{what}: the answer is not a JSON object.")
    return document


# --- pulling ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportOutcome:
    """One report of a pull: what was imported, or why not."""

    name: str
    file_name: str
    usage_import: UsageImport | None = None
    licences: SnapshotOutcome | None = None
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error

    def describe(self) -> str:
        """``name: what was imported`` or ``name: what went wrong``, on one line."""
        if self.error:
            return self.error if self.error.startswith(self.name) else f"{self.name}: {self.error}"
        if self.licences is not None:
            lines = self.licences.snapshot.lines.count()
            state = "imported" if self.licences.changed else "unchanged"
            return (
                f"{self.name}: {lines} SKU{'s' if lines != 1 else ''} {state}, licence snapshot "
                f"as of {self.licences.snapshot.as_of.isoformat()}"
            )
        record = self.usage_import
        assert record is not None
        refresh = record.refresh_date.isoformat() if record.refresh_date else "unknown"
        rows = record.rows if record.rows is not None else 0
        state = "" if record.changed else ", nothing new (the figures already included it)"
        return f"{self.name}: refresh date {refresh}, {rows} row{'s' if rows != 1 else ''}{state}"


@dataclass(frozen=True)
class PullOutcome:
    connection: GraphConnection
    reports: list[ReportOutcome] = field(default_factory=list)
    error: str = ""  # a failure that stopped the whole pull (sign-in)

    @property
    def ok(self) -> bool:
        return not self.error and all(report.ok for report in self.reports)

    @property
    def failed(self) -> list[ReportOutcome]:
        return [report for report in self.reports if not report.ok]

    @property
    def message(self) -> str:
        if self.error:
            return f"Nothing pulled. {self.error}"
        imported = [report.describe() for report in self.reports if report.ok]
        failed = [report.describe() for report in self.failed]
        parts = []
        if failed:
            parts.append(f"{len(failed)} of {len(self.reports)} failed: " + "; ".join(failed) + ".")
        if imported:
            parts.append(
                f"Imported {len(imported)} of {len(self.reports)}: " + "; ".join(imported) + "."
            )
        return " ".join(parts)


def pull_usage(
    *, customer: Customer, acting_user: User | None, sleep: Sleep = time.sleep
) -> PullOutcome:
    """Pull the tenant's licences and usage reports from Microsoft Graph and import them; the
    outcome is also recorded on the connection (last pulled, status, message)."""
    connection = _connection_of(customer)
    max_bytes = settings.FRPDESK_MAX_UPLOAD_MB * 1024 * 1024
    reports: list[ReportOutcome] = []
    try:
        client = GraphClient.for_connection(connection, sleep=sleep)
    except GraphError as error:  # the deployment's Graph addresses are not acceptable
        outcome = PullOutcome(connection, error=str(error))
        message = outcome.message
    else:
        with client:
            try:
                client.access_token()
            except SignInError as error:
                outcome = PullOutcome(connection, error=str(error))
            else:
                reports.append(_pull_licences(client, customer, acting_user))
                for report in (*USER_DETAIL_REPORTS, COPILOT_REPORT):
                    reports.append(_pull_report(client, customer, acting_user, report, max_bytes))
                outcome = PullOutcome(connection, reports=reports)
            message = client.scrub(outcome.message)
    _record_pull(customer, ok=outcome.ok, message=message)
    connection.refresh_from_db(fields=["last_pulled_at", "last_status", "last_message"])
    return outcome


def _connection_of(customer: Customer) -> GraphConnection:
    try:
        connection = GraphConnection.objects.filter(customer=customer).first()
    except ValueError as error:  # the stored secret cannot be decrypted with today's key
        message = f"Nothing pulled: {error}; enter the client secret again."
        _record_pull(customer, ok=False, message=message)
        raise GraphError(message) from error
    if connection is None:
        raise GraphError(f"{customer.name} has no Microsoft Graph connection.")
    return connection


def _record_pull(customer: Customer, *, ok: bool, message: str) -> None:
    # An update, not a save: the secret is neither re-encrypted nor overwritten by a pull that
    # raced with an edit of the connection.
    GraphConnection.objects.filter(customer=customer).update(
        last_pulled_at=timezone.now(),
        last_status=PullStatus.OK if ok else PullStatus.FAILED,
        last_message=message,
    )
    log = logger.info if ok else logger.warning
    log("Microsoft Graph pull for customer %s: %s", customer.pk, message)


def _pull_licences(
    client: GraphClient, customer: Customer, acting_user: User | None
) -> ReportOutcome:
    file_name = f"{LICENCES}.json"
    try:
        document = client.get_document(LICENCES, what=LICENCES, permission=LICENCES_PERMISSION)
        licences = import_license_file(
            acting_user=acting_user,
            customer=customer,
            file_name=file_name,
            content=json.dumps(document).encode(),
            as_of=timezone.localdate(),
        )
    except (GraphError, ImportFailure) as error:
        return ReportOutcome(LICENCES, file_name, error=client.scrub(str(error)))
    return ReportOutcome(LICENCES, file_name, licences=licences)


def _pull_report(
    client: GraphClient,
    customer: Customer,
    acting_user: User | None,
    report: str,
    max_bytes: int,
) -> ReportOutcome:
    file_name = report_file_name(report)
    try:
        if report == COPILOT_REPORT:
            document = client.get_document(
                f"copilot/reports/{report_call(report)}",
                what=report_call(report),
                permission=REPORTS_PERMISSION,
            )
            content = json.dumps(document).encode()
            check_upload_size(file_name, len(content))
        else:
            content = client.download_report(report, max_bytes=max_bytes)
        record = import_usage_file(
            acting_user=acting_user,
            customer=customer,
            file_name=file_name,
            content=content,
            source=ImportSource.GRAPH,
        )
    except (GraphError, ImportFailure, ValidationError) as error:
        problem = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        return ReportOutcome(report, file_name, error=client.scrub(problem))
    except Exception as error:  # a fault of ours must not stop the other reports
        logger.exception("Importing %s for customer %s failed unexpectedly", file_name, customer.pk)
        return ReportOutcome(
            report,
            file_name,
            error=f"unexpected error ({type(error).__name__}); see the server log.",
        )
    if record.status == ImportStatus.FAILED:
        return ReportOutcome(report, file_name, usage_import=record, error=record.message)
    return ReportOutcome(report, file_name, usage_import=record)


def connected_customers() -> Iterator[Customer]:
    """Customers with an enabled connection, by name."""
    for connection in (
        GraphConnection.objects.filter(enabled=True)
        .select_related("customer")
        .order_by("customer__name")
    ):
        yield connection.customer
