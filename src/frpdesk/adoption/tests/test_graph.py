"""The Microsoft Graph connector against a fake Graph + login service on loopback (a real HTTP
server, see ``fake_graph``): connections with encrypted secrets, msal client-credentials sign-in,
the 302 redirect to the pre-authenticated CSV (no Authorization header there), retries on
429 / 503 after Retry-After, clear errors, the full pull, ``frpdesk pull_usage`` and the daily
scheduled job."""

import datetime
import io
import logging
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection as db_connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from frpdesk.adoption.graph import (
    COPILOT_REPORT,
    USER_DETAIL_REPORTS,
    GraphClient,
    GraphError,
    SignInError,
    pull_usage,
    report_call,
    save_graph_connection,
)
from frpdesk.adoption.models import (
    GraphConnection,
    ImportSource,
    ImportStatus,
    PullStatus,
    ReportType,
    UsageImport,
    UsagePoint,
)
from frpdesk.adoption.tests.fake_graph import (
    FABRIKAM_TENANT,
    SAMPLES,
    FakeGraph,
    report_path,
)
from frpdesk.core.crypto import decrypt
from frpdesk.core.jobs import enqueue_due_jobs
from frpdesk.customers.models import Customer
from frpdesk.customers.tests.factories import CustomerFactory
from frpdesk.customers.tests.test_cli import Cli, assert_refused, migrated_cli
from frpdesk.licensing.models import LicenseSnapshot

pytest_plugins = ["frpdesk.adoption.tests.conftest_graph"]

REFRESH_DATE = datetime.date(2025, 11, 20)
EMAIL = "getEmailActivityUserDetail"
YAMMER = "getYammerActivityUserDetail"
ALL_REPORT_TYPES = set(ReportType.values)


class RecordingSleep:
    """Stands in for time.sleep: remembers what it was asked to wait, waits for nothing."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def sleep() -> RecordingSleep:
    return RecordingSleep()


@pytest.fixture
def client(fake_graph: FakeGraph, sleep: RecordingSleep) -> Iterator[GraphClient]:
    with GraphClient(
        tenant_id=fake_graph.tenant_id,
        client_id=fake_graph.client_id,
        client_secret=fake_graph.client_secret,
        sleep=sleep,
    ) as graph_client:
        yield graph_client


def raw_secret_column(customer: Customer) -> str:
    with db_connection.cursor() as cursor:
        cursor.execute(
            f"SELECT client_secret FROM {GraphConnection._meta.db_table} WHERE customer_id = %s",
            [customer.pk],
        )
        row = cursor.fetchone()
    assert row is not None
    return str(row[0])


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


# --- connections -----------------------------------------------------------------------------


def test_a_connection_keeps_its_secret_encrypted(fabrikam: Customer) -> None:
    secret = "Vb3~real-looking.secret_value-9Qw2Er5Ty8"
    saved = save_graph_connection(
        acting_user=None,
        customer=fabrikam,
        tenant_id=FABRIKAM_TENANT,
        client_id="5d2e6f7a-8b9c-4d0e-a1f2-3b4c5d6e7f80",
        client_secret=secret,
        enabled=True,
    )

    raw = raw_secret_column(fabrikam)
    assert secret not in raw
    assert decrypt(raw) == secret
    assert GraphConnection.objects.get(pk=saved.pk).client_secret == secret


def test_a_new_connection_needs_a_secret(fabrikam: Customer) -> None:
    with pytest.raises(ValidationError) as refused:
        save_graph_connection(
            acting_user=None,
            customer=fabrikam,
            tenant_id=FABRIKAM_TENANT,
            client_id=str(uuid.uuid4()),
            client_secret="  ",
            enabled=True,
        )

    assert set(refused.value.message_dict) == {"client_secret"}
    assert not GraphConnection.objects.exists()


def test_a_blank_secret_keeps_the_stored_one(fabrikam_connection: GraphConnection) -> None:
    new_client_id = uuid.uuid4()
    save_graph_connection(
        acting_user=None,
        customer=fabrikam_connection.customer,
        tenant_id=FABRIKAM_TENANT,
        client_id=new_client_id,
        client_secret=None,
        enabled=False,
    )

    stored = GraphConnection.objects.get(pk=fabrikam_connection.pk)
    assert stored.client_secret == fabrikam_connection.client_secret
    assert (stored.client_id, stored.enabled) == (new_client_id, False)


def test_a_bad_client_id_is_named(fabrikam: Customer) -> None:
    with pytest.raises(ValidationError) as refused:
        save_graph_connection(
            acting_user=None,
            customer=fabrikam,
            tenant_id=FABRIKAM_TENANT,
            client_id="not-a-guid",
            client_secret="some-secret-value",
            enabled=True,
        )

    assert set(refused.value.message_dict) == {"client_id"}


def test_a_connection_to_another_tenant_is_refused(fabrikam: Customer) -> None:
    with pytest.raises(ValidationError) as refused:
        save_graph_connection(
            acting_user=None,
            customer=fabrikam,
            tenant_id=str(uuid.uuid4()),
            client_id=str(uuid.uuid4()),
            client_secret="some-secret-value",
            enabled=True,
        )

    assert "own tenant" in refused.value.message_dict["tenant_id"][0]
    assert not GraphConnection.objects.exists()


# --- the client: sign-in ---------------------------------------------------------------------


def test_sign_in_uses_client_credentials(fake_graph: FakeGraph, client: GraphClient) -> None:
    token = client.access_token()

    assert fake_graph.issued_tokens == [token]
    (token_request,) = fake_graph.requests_to(f"/{FABRIKAM_TENANT}/oauth2/v2.0/token")
    form = httpx.QueryParams(token_request.body.decode())
    assert form["grant_type"] == "client_credentials"
    assert form["scope"] == "https://graph.microsoft.com/.default"
    assert fake_graph.requests_to(f"/{FABRIKAM_TENANT}/v2.0/.well-known/openid-configuration")
    assert client.access_token() == token  # one sign-in per client


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"client_secret": "Wrong~secret.value-000000000000000"}, "the client secret is wrong"),
        ({"client_id": str(uuid.uuid4())}, "no app registration with this client ID"),
        ({"tenant_id": str(uuid.uuid4())}, "no configuration for this tenant"),
    ],
)
def test_sign_in_failures_say_what_is_wrong(
    fake_graph: FakeGraph, change: dict[str, str], problem: str
) -> None:
    options = {
        "tenant_id": fake_graph.tenant_id,
        "client_id": fake_graph.client_id,
        "client_secret": fake_graph.client_secret,
        **change,
    }
    with GraphClient(**options) as graph_client, pytest.raises(SignInError) as failed:
        graph_client.access_token()

    assert problem in str(failed.value)
    assert options["client_secret"] not in str(failed.value)
    assert fake_graph.issued_tokens == []


def test_an_unreachable_login_service_is_a_clear_error(
    fake_graph: FakeGraph, settings: Any
) -> None:
    settings.FRPDESK_GRAPH_LOGIN_URL = f"http://127.0.0.1:{unused_port()}"
    with (
        GraphClient(
            tenant_id=fake_graph.tenant_id,
            client_id=fake_graph.client_id,
            client_secret=fake_graph.client_secret,
        ) as graph_client,
        pytest.raises(SignInError, match=r"cannot reach 127\.0\.0\.1"),
    ):
        graph_client.access_token()


@pytest.mark.parametrize("setting", ["FRPDESK_GRAPH_URL", "FRPDESK_GRAPH_LOGIN_URL"])
def test_plain_http_is_refused_outside_loopback(settings: Any, setting: str) -> None:
    setattr(settings, setting, "http://graph.example.com")

    with pytest.raises(GraphError, match=f"{setting} must be an https address"):
        GraphClient(tenant_id=FABRIKAM_TENANT, client_id="id", client_secret="secret")


# --- the client: reports ---------------------------------------------------------------------


def test_a_report_is_downloaded_through_the_redirect_without_the_token(
    fake_graph: FakeGraph, client: GraphClient
) -> None:
    content = client.download_report(EMAIL)

    assert content == (SAMPLES / "EmailActivityUserDetail_D30.csv").read_bytes()
    (graph_request,) = fake_graph.requests_to(report_path(EMAIL))
    assert graph_request.headers["authorization"] == f"Bearer {client.access_token()}"
    (download,) = fake_graph.requests_to("/download/")
    assert download.path == f"/download/{EMAIL}.csv"
    assert "authorization" not in download.headers
    assert fake_graph.leaked_authorizations == []


def test_the_fake_download_host_catches_a_leaked_token(fake_graph: FakeGraph) -> None:
    """The check above means something: the download host notices an Authorization header."""
    with httpx.Client() as plain:
        redirect = plain.get(
            fake_graph.url + report_path(EMAIL),
            headers={"Authorization": "Bearer not-issued"},
        )
        assert redirect.status_code == 401
        with GraphClient(
            tenant_id=fake_graph.tenant_id,
            client_id=fake_graph.client_id,
            client_secret=fake_graph.client_secret,
        ) as graph_client:
            token = graph_client.access_token()
        redirect = plain.get(
            fake_graph.url + report_path(EMAIL), headers={"Authorization": f"Bearer {token}"}
        )
        assert redirect.status_code == 302
        leaked = plain.get(redirect.headers["Location"], headers={"Authorization": "Bearer x"})

    assert leaked.status_code == 400
    assert fake_graph.leaked_authorizations == ["Bearer x"]


@pytest.mark.parametrize("status", [429, 503])
def test_throttling_is_retried_after_the_servers_retry_after(
    fake_graph: FakeGraph, client: GraphClient, sleep: RecordingSleep, status: int
) -> None:
    fake_graph.fail(report_path(EMAIL), status, times=2, retry_after="1")

    content = client.download_report(EMAIL)

    assert content.startswith(b"\xef\xbb\xbfReport Refresh Date")
    assert sleep.waits == [1, 1]
    assert len(fake_graph.requests_to(report_path(EMAIL))) == 3


def test_a_throttled_download_is_retried_too(
    fake_graph: FakeGraph, client: GraphClient, sleep: RecordingSleep
) -> None:
    fake_graph.fail(f"/download/{EMAIL}.csv", 503, times=1, retry_after="2")

    assert client.download_report(EMAIL).startswith(b"\xef\xbb\xbf")
    assert sleep.waits == [2]


def test_throttling_gives_up_after_the_bound(fake_graph: FakeGraph, sleep: RecordingSleep) -> None:
    fake_graph.fail(report_path(EMAIL), 429, times=None, retry_after="1")

    with (
        GraphClient(
            tenant_id=fake_graph.tenant_id,
            client_id=fake_graph.client_id,
            client_secret=fake_graph.client_secret,
            sleep=sleep,
            max_attempts=3,
        ) as graph_client,
        pytest.raises(GraphError) as failed,
    ):
        graph_client.download_report(EMAIL)

    assert str(failed.value) == (
        f"{report_call(EMAIL)}: still 429 Too Many Requests after 3 attempts (Microsoft Graph "
        "is throttling or unavailable); try again later."
    )
    assert sleep.waits == [1, 1]
    assert len(fake_graph.requests_to(report_path(EMAIL))) == 3


def test_a_long_retry_after_is_capped(fake_graph: FakeGraph, sleep: RecordingSleep) -> None:
    fake_graph.fail(report_path(EMAIL), 503, times=1, retry_after="3600")

    with GraphClient(
        tenant_id=fake_graph.tenant_id,
        client_id=fake_graph.client_id,
        client_secret=fake_graph.client_secret,
        sleep=sleep,
        max_wait_seconds=30,
    ) as graph_client:
        graph_client.download_report(EMAIL)

    assert sleep.waits == [30]


def test_without_retry_after_the_wait_backs_off(
    fake_graph: FakeGraph, client: GraphClient, sleep: RecordingSleep
) -> None:
    fake_graph.fail(report_path(EMAIL), 429, times=2, retry_after=None)

    client.download_report(EMAIL)

    assert sleep.waits == [2, 4]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (403, "access denied (403 Forbidden): the app registration lacks Reports.Read.All"),
        (401, "Microsoft Graph refused the access token (401 Unauthorized"),
        (404, "not available for this tenant (404 Not Found"),
        (500, "Microsoft Graph answered 500 Internal Server Error"),
    ],
)
def test_graph_refusals_are_clear_errors(
    fake_graph: FakeGraph, client: GraphClient, status: int, expected: str
) -> None:
    fake_graph.fail(report_path(EMAIL), status, times=None)

    with pytest.raises(GraphError) as failed:
        client.download_report(EMAIL)

    assert str(failed.value).startswith(f"{report_call(EMAIL)}: {expected}")
    assert client.access_token() not in str(failed.value)


def test_a_graph_that_does_not_answer_times_out(fake_graph: FakeGraph) -> None:
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        with (
            GraphClient(
                tenant_id=fake_graph.tenant_id,
                client_id=fake_graph.client_id,
                client_secret=fake_graph.client_secret,
                graph_url=f"http://127.0.0.1:{silent.getsockname()[1]}",
                timeout_seconds=0.2,
            ) as graph_client,
            pytest.raises(GraphError, match=r"no answer within 0\.2 s \(timeout\)"),
        ):
            graph_client.download_report(EMAIL)


def test_an_unreachable_graph_is_a_clear_error(fake_graph: FakeGraph) -> None:
    with (
        GraphClient(
            tenant_id=fake_graph.tenant_id,
            client_id=fake_graph.client_id,
            client_secret=fake_graph.client_secret,
            graph_url=f"http://127.0.0.1:{unused_port()}",
        ) as graph_client,
        pytest.raises(GraphError, match=r"cannot reach 127\.0\.0\.1 \(ConnectError\)"),
    ):
        graph_client.download_report(EMAIL)


def test_copilot_pages_are_merged(fake_graph: FakeGraph, client: GraphClient) -> None:
    fake_graph.copilot_page_size = 1
    path = f"copilot/reports/{report_call(COPILOT_REPORT)}"

    document = client.get_document(path, what="copilot", permission="Reports.Read.All")

    assert document["value"] == fake_graph.copilot["value"]
    assert "@odata.nextLink" not in document
    assert len(fake_graph.requests_to(report_path(COPILOT_REPORT))) == 4


def test_a_next_page_on_another_host_is_not_followed(
    fake_graph: FakeGraph, client: GraphClient
) -> None:
    fake_graph.copilot = {**fake_graph.copilot, "@odata.nextLink": "https://elsewhere.example/x"}
    path = f"copilot/reports/{report_call(COPILOT_REPORT)}"

    with pytest.raises(GraphError, match=r"the next page is not on 127\.0\.0\.1; not following it"):
        client.get_document(path, what="copilot", permission="Reports.Read.All")


# --- pulling ---------------------------------------------------------------------------------


@pytest.fixture
def two_days_after_the_refresh(monkeypatch: pytest.MonkeyPatch) -> datetime.date:
    """Graph's data lags 1–3 days: pull as if on 2025-11-22, so today's licence snapshot is in
    force for the samples' refresh date (they were written a year before the tests' clock)."""
    pulled_on = REFRESH_DATE + datetime.timedelta(days=2)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: pulled_on)
    return pulled_on


def test_a_pull_imports_every_report_and_the_licences(
    fabrikam_connection: GraphConnection,
    sleep: RecordingSleep,
    two_days_after_the_refresh: datetime.date,
) -> None:
    customer = fabrikam_connection.customer

    outcome = pull_usage(customer=customer, acting_user=None, sleep=sleep)

    assert outcome.ok, outcome.message
    imports = UsageImport.objects.filter(customer=customer)
    assert {record.report_type for record in imports} == ALL_REPORT_TYPES
    assert {record.file_name for record in imports} == {
        *(f"{report_call(report)}.csv" for report in USER_DETAIL_REPORTS),
        f"{report_call(COPILOT_REPORT)}.json",
    }
    for record in imports:
        assert (record.source, record.status) == (ImportSource.GRAPH, ImportStatus.DONE)
        assert record.refresh_date == REFRESH_DATE
    snapshot = LicenseSnapshot.objects.get(customer=customer)
    assert snapshot.as_of == two_days_after_the_refresh
    assert snapshot.lines.count() == 8
    points = {
        point.workload.code: point
        for point in UsagePoint.objects.filter(customer=customer, refresh_date=REFRESH_DATE)
    }
    assert {"exchange", "onedrive", "sharepoint", "teams", "viva_engage", "m365_apps"} <= set(
        points
    )
    assert "copilot" in points
    assert {code: points[code].active_in_period for code in ("exchange", "teams")} == {
        "exchange": 23,
        "teams": 21,
    }
    # The licences pulled with the reports give PAU and AU%.
    assert points["exchange"].pau_as_of == two_days_after_the_refresh
    assert points["exchange"].pau
    assert points["exchange"].au_pct is not None
    stored = GraphConnection.objects.get(pk=fabrikam_connection.pk)
    assert stored.last_status == PullStatus.OK
    assert stored.last_pulled_at is not None
    assert stored.last_message.startswith("Imported 9 of 9: subscribedSkus: 8 SKUs imported")
    assert f"{EMAIL}: refresh date 2025-11-20, 29 rows" in stored.last_message
    assert sleep.waits == []


def test_a_second_pull_changes_nothing(fabrikam_connection: GraphConnection) -> None:
    customer = fabrikam_connection.customer
    pull_usage(customer=customer, acting_user=None)
    points = list(UsagePoint.objects.filter(customer=customer).values())

    outcome = pull_usage(customer=customer, acting_user=None)

    assert outcome.ok, outcome.message
    assert list(UsagePoint.objects.filter(customer=customer).values()) == points
    assert [report.licences.changed for report in outcome.reports if report.licences] == [False]
    records = [report.usage_import for report in outcome.reports if report.usage_import]
    assert len(records) == 8
    assert not any(record.changed for record in records)


def test_one_failed_report_does_not_stop_the_others(
    fake_graph: FakeGraph, fabrikam_connection: GraphConnection
) -> None:
    del fake_graph.reports[YAMMER]

    outcome = pull_usage(customer=fabrikam_connection.customer, acting_user=None)

    assert not outcome.ok
    assert [report.name for report in outcome.failed] == [YAMMER]
    assert UsageImport.objects.filter(status=ImportStatus.DONE).count() == 7
    stored = GraphConnection.objects.get(pk=fabrikam_connection.pk)
    assert stored.last_status == PullStatus.FAILED
    assert stored.last_message.startswith(
        f"1 of 9 failed: {report_call(YAMMER)}: not available for this tenant (404 Not Found"
    )
    assert "Imported 8 of 9" in stored.last_message


def test_a_report_throttled_for_too_long_fails_alone(
    fake_graph: FakeGraph, fabrikam_connection: GraphConnection, sleep: RecordingSleep
) -> None:
    fake_graph.fail(report_path(EMAIL), 429, times=None, retry_after="1")
    fake_graph.fail(report_path("getTeamsUserActivityUserDetail"), 503, times=1, retry_after="1")

    outcome = pull_usage(customer=fabrikam_connection.customer, acting_user=None, sleep=sleep)

    assert [report.name for report in outcome.failed] == [EMAIL]
    assert "still 429 Too Many Requests after 4 attempts" in outcome.failed[0].error
    assert sleep.waits == [1, 1, 1, 1]  # three for the email report, one for Teams
    assert UsageImport.objects.filter(report_type=ReportType.TEAMS).exists()


def test_missing_licence_permission_is_named_and_the_reports_still_come(
    fake_graph: FakeGraph, fabrikam_connection: GraphConnection
) -> None:
    fake_graph.fail("/v1.0/subscribedSkus", 403, times=None)

    outcome = pull_usage(customer=fabrikam_connection.customer, acting_user=None)

    assert [report.name for report in outcome.failed] == ["subscribedSkus"]
    assert "lacks Organization.Read.All" in outcome.failed[0].error
    assert UsageImport.objects.filter(status=ImportStatus.DONE).count() == 8


def test_a_wrong_secret_fails_the_pull_and_leaks_nothing(
    fake_graph: FakeGraph, fabrikam_connection: GraphConnection, caplog: pytest.LogCaptureFixture
) -> None:
    fake_graph.client_secret = "Rotated~secret.value-1111111111111111"
    caplog.set_level(logging.DEBUG)

    outcome = pull_usage(customer=fabrikam_connection.customer, acting_user=None)

    assert not outcome.ok
    assert outcome.reports == []
    stored = GraphConnection.objects.get(pk=fabrikam_connection.pk)
    assert stored.last_status == PullStatus.FAILED
    assert stored.last_message == (
        f"Nothing pulled. Sign-in of app {fake_graph.client_id} to tenant {FABRIKAM_TENANT} "
        "failed (invalid_client): the client secret is wrong (enter the secret's Value, not its "
        "Secret ID)."
    )
    assert fabrikam_connection.client_secret not in caplog.text
    assert not UsageImport.objects.exists()


def test_a_pull_logs_neither_the_secret_nor_the_token(
    fake_graph: FakeGraph, fabrikam_connection: GraphConnection, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake_graph.fail(report_path(EMAIL), 403, times=None)

    outcome = pull_usage(customer=fabrikam_connection.customer, acting_user=None)

    (token,) = fake_graph.issued_tokens
    assert caplog.text  # the pull does log
    stored = GraphConnection.objects.get(pk=fabrikam_connection.pk)
    for secret in (fabrikam_connection.client_secret, token):
        assert secret not in caplog.text
        assert secret not in stored.last_message
        assert all(secret not in report.describe() for report in outcome.reports)


def test_a_secret_that_no_longer_decrypts_is_a_recorded_failure(
    fabrikam_connection: GraphConnection, settings: Any
) -> None:
    settings.FRPDESK_ENCRYPTION_KEY = "a-different-key-than-at-save-time"
    message = (
        "Nothing pulled: cannot decrypt a stored secret: FRPDESK_ENCRYPTION_KEY (or SECRET_KEY) "
        "changed; enter the client secret again."
    )

    with pytest.raises(GraphError) as failed:
        pull_usage(customer=fabrikam_connection.customer, acting_user=None)

    assert str(failed.value) == message
    assert GraphConnection.objects.values_list("last_status", "last_message").get() == (
        PullStatus.FAILED,
        message,
    )
    out = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("pull_usage", "--tenant-id", FABRIKAM_TENANT, stdout=out)
    assert refused.value.returncode == 2
    assert f"  FAILED  {message}" in out.getvalue()


def test_a_customer_without_a_connection_cannot_be_pulled(fabrikam: Customer) -> None:
    with pytest.raises(GraphError, match="Fabrikam Industries has no Microsoft Graph connection"):
        pull_usage(customer=fabrikam, acting_user=None)


# --- frpdesk pull_usage ----------------------------------------------------------------------


def run_pull_usage(*args: str) -> str:
    out = io.StringIO()
    call_command("pull_usage", *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_one_line_per_report(fabrikam_connection: GraphConnection) -> None:
    output = run_pull_usage("--tenant-id", FABRIKAM_TENANT)

    lines = output.splitlines()
    assert lines[0] == f"Fabrikam Industries (tenant {FABRIKAM_TENANT}): ok"
    assert lines[1].startswith("  ok      subscribedSkus: 8 SKUs imported")
    assert any(
        line.startswith(f"  ok      {EMAIL}: refresh date 2025-11-20, 29 rows") for line in lines
    )
    assert len(lines) == 10
    assert all(line.startswith("  ok      get") for line in lines[2:])
    assert all("refresh date 2025-11-20" in line for line in lines[2:])


def test_the_command_exits_2_when_a_report_failed(
    fake_graph: FakeGraph, fabrikam_connection: GraphConnection
) -> None:
    del fake_graph.reports[YAMMER]
    out = io.StringIO()

    with pytest.raises(CommandError) as failed:
        call_command("pull_usage", "--tenant-id", FABRIKAM_TENANT, stdout=out)

    assert failed.value.returncode == 2
    assert str(failed.value) == (
        "The pull failed for 1 of 1 customer(s): Fabrikam Industries; see the lines marked FAILED."
    )
    assert (
        f"  FAILED  {report_call(YAMMER)}: not available for this tenant (404 Not Found"
        in out.getvalue()
    )
    assert out.getvalue().count("  ok      ") == 8


def test_the_command_reports_a_failed_sign_in(
    fake_graph: FakeGraph, fabrikam_connection: GraphConnection
) -> None:
    fake_graph.client_secret = "Rotated~secret.value-2222222222222222"
    out = io.StringIO()

    with pytest.raises(CommandError) as failed:
        call_command("pull_usage", "--tenant-id", FABRIKAM_TENANT, stdout=out)

    assert failed.value.returncode == 2
    assert "the client secret is wrong" in out.getvalue()
    assert fabrikam_connection.client_secret not in out.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--tenant-id", "0d1e2f3a-4b5c-4e8b-9a6c-b7e3c5a14f2d"],
            "No customer has tenant ID 0d1e2f3a-4b5c-4e8b-9a6c-b7e3c5a14f2d.",
        ),
        (["--tenant-id", "fabrikam"], "is not a tenant ID"),
        (["--tenant-id", FABRIKAM_TENANT], "has no Microsoft Graph connection"),
        (["--all"], "No customer has an enabled Microsoft Graph connection."),
    ],
)
def test_the_command_refuses_what_it_cannot_pull(
    fabrikam: Customer, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message.replace(".", r"\.")) as refused:
        run_pull_usage(*args)

    assert refused.value.returncode == 2


def test_the_command_pulls_every_enabled_connection(
    fake_graph: FakeGraph, fabrikam_connection: GraphConnection
) -> None:
    disabled = CustomerFactory(name="Alpine Disabled")
    save_graph_connection(
        acting_user=None,
        customer=disabled,
        tenant_id=disabled.tenant_id,
        client_id=uuid.uuid4(),
        client_secret="unused-secret-value",
        enabled=False,
    )

    output = run_pull_usage("--all")

    assert output.splitlines()[0] == f"Fabrikam Industries (tenant {FABRIKAM_TENANT}): ok"
    assert "Alpine Disabled" not in output
    assert GraphConnection.objects.get(customer=disabled).last_status == PullStatus.NEVER


@pytest.fixture(scope="module")
def cli_template(tmp_path_factory: pytest.TempPathFactory) -> Cli:
    return migrated_cli(tmp_path_factory.mktemp("frpdesk-pull-usage-cli"))


def test_the_console_command_refuses_with_one_line(cli_template: Cli, tmp_path: Path) -> None:
    cli = cli_template.copy_to(tmp_path / "cli")
    assert_refused(
        cli("pull_usage", "--tenant-id", FABRIKAM_TENANT),
        f"No customer has tenant ID {FABRIKAM_TENANT}.",
    )
    added = cli("add_customer", "--name", "Fabrikam Industries", "--tenant-id", FABRIKAM_TENANT)
    assert added.returncode == 0, added.stderr
    assert_refused(
        cli("pull_usage", "--tenant-id", FABRIKAM_TENANT),
        f"Fabrikam Industries (tenant {FABRIKAM_TENANT}) has no Microsoft Graph connection; "
        "add its app registration (tenant, client ID, secret) first.",
    )


# --- the daily job ---------------------------------------------------------------------------


def queued(task_name: str) -> list[DBTaskResult]:
    return [result for result in DBTaskResult.objects.all() if result.task_path.endswith(task_name)]


@pytest.mark.django_db(transaction=True)  # the worker closes its connection between jobs
def test_the_daily_job_pulls_every_enabled_connection(
    reference_data: None,
    fake_graph: FakeGraph,
    fabrikam_connection: GraphConnection,
    settings: Any,
) -> None:
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    other = CustomerFactory(name="Other Tenant")  # its tenant is unknown to the fake login
    save_graph_connection(
        acting_user=None,
        customer=other,
        tenant_id=other.tenant_id,
        client_id=uuid.uuid4(),
        client_secret="other-secret-value",
        enabled=True,
    )
    disabled = CustomerFactory(name="Disabled")
    save_graph_connection(
        acting_user=None,
        customer=disabled,
        tenant_id=disabled.tenant_id,
        client_id=uuid.uuid4(),
        client_secret="disabled-secret-value",
        enabled=False,
    )
    now = timezone.now()

    assert "pull_all_connected_usage" in enqueue_due_jobs(now)
    assert "pull_all_connected_usage" not in enqueue_due_jobs(now + datetime.timedelta(hours=23))
    assert len(queued("pull_all_connected_usage")) == 1

    call_command("worker", "--batch", "--no-schedule")

    pulls = queued("pull_customer_usage")
    assert sorted(result.args_kwargs["args"][0] for result in pulls) == sorted(
        [fabrikam_connection.pk, other.pk]
    )
    statuses = dict(GraphConnection.objects.values_list("customer__name", "last_status"))
    assert statuses == {
        "Fabrikam Industries": PullStatus.OK,
        "Other Tenant": PullStatus.FAILED,
        "Disabled": PullStatus.NEVER,
    }
    assert "pull_all_connected_usage" in enqueue_due_jobs(
        now + datetime.timedelta(days=1, minutes=1)
    )
