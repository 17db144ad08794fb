"""Hypothesis-generated malformed files for every import: never a crash, never a partial write.

Each import is called through the service function its page, API and command share. Files are
random bytes, truncated real files (``shared/samples``, the tests' own examples), real files
with one cell replaced by a nasty value (dates, numbers, GUIDs, empty, huge, unicode,
separators, quotes, BOM, CRLF, NUL…), valid headers over random rows, JSON of the wrong shape
and, where XLSX is accepted, workbooks of random cells and broken ZIPs.

The property: the import succeeds, or it refuses the file with ``ImportFailure`` whose message
starts with the file's name, and then no table's row count changed (usage imports keep their
failed ``UsageImport`` record, by design, and its audit entries). Every example runs in a
savepoint rolled back after it, so examples are independent; ``derandomize=True`` makes the run
reproducible (``FRPDESK_FUZZ_IMPORT_EXAMPLES`` files per import, 150 by default). Three imports
are also driven through HTTP (the licence upload page and API, the claim-status API, the
customer import page; ``FRPDESK_FUZZ_HTTP_EXAMPLES``, 30): never a 500, and an API refusal
writes nothing.

``-s`` prints the examples tried per import; pytest's cache keeps them
(``.pytest_cache/v/frpdesk/import_fuzz/<worker>``).
"""

import collections
import csv
import datetime
import io
import json
import os
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from frpdesk.core.imports import ImportFailure

SAMPLES = Path(
    os.environ.get(
        "FRPDESK_SAMPLES_DIR", Path(__file__).resolve().parents[5] / "shared" / "samples"
    )
)
REFERRALS_SAMPLE = (
    Path(__file__).resolve().parents[2]
    / "referrals"
    / "tests"
    / "data"
    / "partner-center-referrals.csv"
)
EXAMPLES = int(os.environ.get("FRPDESK_FUZZ_IMPORT_EXAMPLES", "150"))
HTTP_EXAMPLES = int(os.environ.get("FRPDESK_FUZZ_HTTP_EXAMPLES", "30"))
SETTINGS = hypothesis_settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)

# The seeded records the example files refer to.
TENANT = uuid.UUID("b7e3c5a1-4f2d-4e8b-9a6c-0d1e2f3a4b5c")
OTHER_TENANT = uuid.UUID("3f2a4c1e-9b7d-4e2a-8c5f-1a2b3c4d5e6f")
CLAIM_REFERENCE = "PC-778812"

# Examples tried and their outcomes, per import, for the summary at the end of the module.
TRIED: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)


# --- nasty values ----------------------------------------------------------------------------

NASTY_WORDS = [
    "",
    " ",
    "0",
    "-1",
    "-0",
    "1e400",
    "1E5",
    "NaN",
    "inf",
    "-Infinity",
    "2147483648",
    "99999999999999999999999999",
    "9" * 5000,
    "1,5",
    "1.5",
    "0.001",
    "$1,234.50",
    "12,500.00 USD",
    "€ 12.500,00",
    "(100)",
    "2026-02-30",
    "2026-13-01",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "0/0/0",
    "13/45/2026",
    "2/29/2025",
    "3/4/2026 9:15 AM",
    "2026-03-04T10:00:00Z",
    "31.03.2026",
    "00000000-0000-0000-0000-000000000000",
    "{B7E3C5A1-4F2D-4E8B-9A6C-0D1E2F3A4B5C}",
    str(TENANT),
    "b7e3c5a1-4f2d-4e8b-9a6c",
    "not-a-guid",
    "True",
    "FALSE",
    "yes",
    "x",
    "²",
    "١٥",
    "CLM-²",
    "CLM-١",
    "CLM-0",
    "CLM-99999999999999999999",
    CLAIM_REFERENCE,
    "Approved",
    "Claimed by another partner",
    "15 % AU",
    "40%",
    "teams",
    "Microsoft Teams",
    "Very satisfied",
    "4",
    "\x00",
    "a\x00b",
    "\ufeff",
    "\ufeffname",
    '"',
    '""',
    '"quoted"',
    "a,b",
    "a;b",
    "a\tb",
    "a\r\nb",
    "\n",
    "\r",
    "=1+1",
    "@SUM(A1)",
    "é" * 300,
    "x" * 5000,
    "🙂" * 70,
    "\u202e\u200b",
    "<script>alert(1)</script>",
    "'; DROP TABLE customers; --",
    "../../etc/passwd",
]
# What databases refuse: a NUL (PostgreSQL), more characters or digits than a column holds.
DATABASE_BREAKERS = ["\x00", "a\x00b", "x" * 300, "é" * 300, "9" * 25, "9" * 5000]
CELLS = st.one_of(
    st.sampled_from(NASTY_WORDS),
    st.sampled_from(DATABASE_BREAKERS),
    st.text(max_size=20),
    st.integers().map(str),
    st.floats().map(str),
    st.decimals(allow_nan=True).map(str),
    st.dates().map(lambda day: day.strftime(f"{day.month}/{day.day}/%Y")),
    st.dates().map(str),
    st.uuids().map(str),
)
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(NASTY_WORDS[:40])
    | st.sampled_from(DATABASE_BREAKERS),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)


# --- file strategies -------------------------------------------------------------------------


def csv_bytes(rows: list[list[str]], delimiter: str, newline: str, bom: bool) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerows(rows)
    return ("\ufeff" if bom else "").encode() + buffer.getvalue().encode("utf-8", "surrogatepass")


def read_csv(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8-sig")
    dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    return list(csv.reader(io.StringIO(text, newline=""), dialect))


@st.composite
def one_cell_changed(draw: st.DrawFn, table: list[list[str]]) -> bytes:
    """The file as it is but for one data cell: what reaches the database when the value
    passes the import's own checks."""
    rows = [list(row) for row in table]
    row = rows[draw(st.integers(1, len(rows) - 1))]
    row[draw(st.integers(0, len(row) - 1))] = draw(CELLS)
    return csv_bytes(rows, ",", "\r\n", False)


@st.composite
def rewritten(draw: st.DrawFn, table: list[list[str]]) -> bytes:
    """The table written again with other separators, line ends, BOM, and some cells nasty."""
    rows = [list(row) for row in table]
    for _ in range(draw(st.integers(0, 3))):
        row = draw(st.integers(0, len(rows) - 1))
        if rows[row]:
            rows[row][draw(st.integers(0, len(rows[row]) - 1))] = draw(CELLS)
    if draw(st.booleans()):  # a row cut short or made longer
        row = draw(st.integers(0, len(rows) - 1))
        rows[row] = rows[row][: draw(st.integers(0, len(rows[row]) + 2))] + draw(
            st.lists(CELLS, max_size=2)
        )
    return csv_bytes(
        rows,
        draw(st.sampled_from([",", ";", "\t"])),
        draw(st.sampled_from(["\r\n", "\n", "\r"])),
        draw(st.booleans()),
    )


@st.composite
def header_over_random_rows(draw: st.DrawFn, header: list[str]) -> bytes:
    rows = draw(st.lists(st.lists(CELLS, min_size=len(header), max_size=len(header)), max_size=4))
    return csv_bytes(
        [header, *rows],
        draw(st.sampled_from([",", ";", "\t"])),
        draw(st.sampled_from(["\r\n", "\n"])),
        draw(st.booleans()),
    )


# Positions are drawn independently of the file's length (a workbook's length varies with the
# time it is saved at), so that Hypothesis replays the same draws.
POSITIONS = st.integers(0, 2**20)


def truncated(content: bytes) -> st.SearchStrategy[bytes]:
    return POSITIONS.map(lambda position: content[: position % (len(content) + 1)])


def flipped(content: bytes) -> st.SearchStrategy[bytes]:
    """Some bytes of the file replaced by random ones."""

    @st.composite
    def flip(draw: st.DrawFn) -> bytes:
        data = bytearray(content)
        for _ in range(draw(st.integers(1, 4))):
            data[draw(POSITIONS) % len(data)] = draw(st.integers(0, 255))
        return bytes(data)

    return flip()


def csv_files(samples: list[bytes], header: list[str]) -> st.SearchStrategy[bytes]:
    tables = [read_csv(sample) for sample in samples]
    return st.one_of(
        st.binary(max_size=300),
        st.sampled_from(samples).flatmap(truncated),
        st.sampled_from(samples).flatmap(flipped),
        st.sampled_from(tables).flatmap(rewritten),
        st.sampled_from(tables).flatmap(one_cell_changed),
        st.sampled_from(tables).flatmap(one_cell_changed),
        header_over_random_rows(header),
        st.text(max_size=200).map(str.encode),
    )


@st.composite
def json_files(draw: st.DrawFn, sample: dict[str, Any], items_key: str) -> bytes:
    """A real document with a value replaced, or the wrong shape altogether."""
    kind = draw(st.sampled_from(["mutated", "shape", "raw", "huge-number"]))
    if kind == "shape":
        document: Any = draw(
            st.one_of(JSON_VALUES, st.fixed_dictionaries({items_key: JSON_VALUES}))
        )
    elif kind == "raw":
        return draw(st.sampled_from(["[" * 5000, "{", '{"value": [}', "null", "{}", "[]"])).encode()
    elif kind == "huge-number":
        return f'{{"{items_key}": [{{"skuPartNumber": "SPE_E5", "prepaidUnits": {{"enabled": {"9" * 5000}}}}}]}}'.encode()
    else:
        document = json.loads(json.dumps(sample))
        items = document[items_key]
        item = items[draw(st.integers(0, len(items) - 1))]
        key = draw(st.sampled_from(sorted(item)))
        item[key] = draw(JSON_VALUES)
        if isinstance(item.get("prepaidUnits"), dict) and draw(st.booleans()):
            units = item["prepaidUnits"]
            units[draw(st.sampled_from(sorted(units)))] = draw(JSON_VALUES)
        if draw(st.booleans()):
            items.append(draw(JSON_VALUES))
    return json.dumps(document, allow_nan=True).encode()


@st.composite
def xlsx_files(draw: st.DrawFn, header: list[str]) -> bytes:
    """A workbook of random cells under a (maybe changed) header, or a broken one."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    cell_values = st.one_of(
        CELLS.map(lambda text: ILLEGAL_CHARACTERS_RE.sub("", text)[:2000]),
        st.integers(-(2**53), 2**53),
        st.floats(allow_nan=False, allow_infinity=False),
        st.datetimes(min_value=datetime.datetime(1900, 3, 1)),
        st.booleans(),
        st.none(),
    )
    columns = list(header)
    if draw(st.booleans()):
        columns[draw(st.integers(0, len(columns) - 1))] = draw(cell_values)
    sheet.append(columns)
    for row in draw(st.lists(st.lists(cell_values, max_size=len(header) + 1), max_size=4)):
        sheet.append(row)
    if draw(st.booleans()):
        workbook.create_sheet("Second").append(["other"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    content = buffer.getvalue()
    damage = draw(st.sampled_from(["none", "none", "truncate", "flip", "empty-zip"]))
    if damage == "truncate":
        return draw(truncated(content))
    if damage == "flip":
        return draw(flipped(content))
    if damage == "empty-zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr(draw(st.sampled_from(["[Content_Types].xml", "x.txt"])), b"<x/>")
        return buffer.getvalue()
    return content


# --- the imports -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Seeded:
    admin: Any
    customer: Any
    claim: Any


@dataclass(frozen=True)
class Import:
    name: str
    file_names: list[str]
    contents: Callable[[], st.SearchStrategy[bytes]]
    # Imports the file; raises ImportFailure, or returns the refusal's message (usage imports
    # record a failed import instead of raising) or None.
    run: Callable[[Seeded, str, bytes], str | None]
    # Tables a refused file may still write to (besides the audit log of their rows).
    kept_on_failure: tuple[str, ...] = ()


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def licence_contents() -> st.SearchStrategy[bytes]:
    from frpdesk.licensing.services import CSV_COLUMNS

    skus = sample("subscribedSkus.json")
    licences_csv = (
        b"sku_part_number,enabled,suspended,warning,consumed\r\n"
        b"SPE_E5,500,0,0,420\r\nENTERPRISEPACK,100,2,1,90\r\n"
    )
    return st.one_of(
        json_files(json.loads(skus), "value"),
        st.just(skus).flatmap(truncated),
        csv_files([licences_csv], list(CSV_COLUMNS)),
    )


def run_licences(seeded: Seeded, file_name: str, content: bytes) -> None:
    from frpdesk.licensing.services import import_license_file

    import_license_file(
        acting_user=seeded.admin,
        customer=seeded.customer,
        file_name=file_name,
        content=content,
        as_of=datetime.date(2026, 3, 31),
    )


USAGE_SAMPLES = [
    "Office365ActiveUserDetail_D30.csv",
    "Office365ActiveUserDetail_D7_concealed.csv",
    "EmailActivityUserDetail_D30.csv",
    "OneDriveActivityUserDetail_D30.csv",
    "SharePointActivityUserDetail_D30.csv",
    "TeamsUserActivityUserDetail_D30.csv",
    "M365AppUserDetail_D30.csv",
]


def usage_contents() -> st.SearchStrategy[bytes]:
    samples = [sample(name) for name in USAGE_SAMPLES]
    copilot = sample("Microsoft365CopilotUsageUserDetail_D30.json")
    return st.one_of(
        csv_files(samples, read_csv(samples[0])[0]),
        json_files(json.loads(copilot), "value"),
        st.just(copilot).flatmap(truncated),
    )


def run_usage(seeded: Seeded, file_name: str, content: bytes) -> str | None:
    from frpdesk.adoption.models import ImportSource, ImportStatus
    from frpdesk.adoption.services import import_usage_file

    record = import_usage_file(
        acting_user=seeded.admin,
        customer=seeded.customer,
        file_name=file_name,
        content=content,
        source=ImportSource.CLI,
    )
    assert record.status in (ImportStatus.DONE, ImportStatus.FAILED), record.status
    return record.message if record.status == ImportStatus.FAILED else None


CUSTOMERS_CSV = (
    "name,tenant_id,domain,country,industry,segment,edu,government_cloud,owner,tags\r\n"
    f"Contoso Pharma,{OTHER_TENANT},contoso.example,US,Healthcare,Enterprise,no,no,,pilot;x\r\n"
    f"Fabrikam Industries,{TENANT},fabrikam.example.com,Germany,,,yes,0,fuzz-admin,\r\n"
).encode()


def customer_contents() -> st.SearchStrategy[bytes]:
    header = read_csv(CUSTOMERS_CSV)[0]
    return st.one_of(csv_files([CUSTOMERS_CSV], header), xlsx_files(header))


def run_customers(seeded: Seeded, file_name: str, content: bytes) -> None:
    from frpdesk.customers.importing import apply_import, preview_import

    apply_import(acting_user=seeded.admin, preview=preview_import(file_name, content))


def referral_contents() -> st.SearchStrategy[bytes]:
    content = REFERRALS_SAMPLE.read_bytes()
    return csv_files([content], read_csv(content)[0])


def run_referrals(seeded: Seeded, file_name: str, content: bytes) -> None:
    from frpdesk.referrals.importing import import_referrals

    import_referrals(acting_user=seeded.admin, file_name=file_name, content=content)


CLAIM_STATUS_CSV = (
    "Claim reference,Status,Date,Reason\r\n"
    f"{CLAIM_REFERENCE},Under review,2026-03-04,\r\n"
    f"{CLAIM_REFERENCE},Approved,3/20/2026,\r\n"
).encode()


def claim_status_contents() -> st.SearchStrategy[bytes]:
    return csv_files([CLAIM_STATUS_CSV], read_csv(CLAIM_STATUS_CSV)[0])


def run_claim_status(seeded: Seeded, file_name: str, content: bytes) -> None:
    from frpdesk.claims.importing import import_claim_status

    import_claim_status(
        acting_user=seeded.admin,
        file_name=file_name,
        content=content,
        today=datetime.date(2026, 3, 31),
    )


STATEMENT_CSV = (
    "Statement date,Tenant ID,Workload,Milestone,Amount,Currency\r\n"
    f'2026-05-31,{TENANT},Microsoft Teams,15 % AU,"$1,520.00",USD\r\n'
    f"5/31/2026,{{{str(OTHER_TENANT).upper()}}},teams,40%,10,EUR\r\n"
    "2026-05-31,Fabrikam Industries,Exchange Online,15,300.5,\r\n"
).encode()


def statement_contents() -> st.SearchStrategy[bytes]:
    return csv_files([STATEMENT_CSV], read_csv(STATEMENT_CSV)[0])


def run_statement(seeded: Seeded, file_name: str, content: bytes) -> None:
    from frpdesk.incentives.importing import import_statement

    import_statement(acting_user=seeded.admin, file_name=file_name, content=content)


SURVEY_CSV = (
    "Tenant ID,Date,Response,Comment\r\n"
    f"{TENANT},2026-03-31,Very satisfied,Clear guidance.\r\n"
    "Fabrikam Industries,3/30/2026,2,\r\n"
).encode()


def survey_contents() -> st.SearchStrategy[bytes]:
    return csv_files([SURVEY_CSV], read_csv(SURVEY_CSV)[0])


def run_survey(seeded: Seeded, file_name: str, content: bytes) -> None:
    from frpdesk.satisfaction.importing import import_survey

    import_survey(acting_user=seeded.admin, file_name=file_name, content=content)


IMPORTS = [
    Import("licences", ["subscribedSkus.json", "licences.csv"], licence_contents, run_licences),
    Import(
        "usage reports",
        [*USAGE_SAMPLES, "Microsoft365CopilotUsageUserDetail_D30.json", "report.csv"],
        usage_contents,
        run_usage,
        kept_on_failure=("adoption.UsageImport",),
    ),
    Import(
        "customers", ["customers.csv", "customers.xlsx", "upload"], customer_contents, run_customers
    ),
    Import("referrals", ["referrals.csv"], referral_contents, run_referrals),
    Import("claim status", ["status.csv"], claim_status_contents, run_claim_status),
    Import("incentive statement", ["statement.csv"], statement_contents, run_statement),
    Import("satisfaction survey", ["survey.csv"], survey_contents, run_survey),
]


# --- the property ----------------------------------------------------------------------------


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def seed() -> Seeded:
    from django.contrib.auth.models import Group

    from frpdesk.accounts import roles
    from frpdesk.accounts.models import User
    from frpdesk.claims.models import ClaimState
    from frpdesk.claims.tests.factories import make_claim
    from frpdesk.customers.tests.factories import CustomerFactory
    from frpdesk.incentives.tests.factories import standard_rates
    from frpdesk.referrals.tests.factories import ReferralFactory

    admin = User.objects.create_user(username="fuzz-admin", email="fuzz-admin@example.com")
    admin.groups.add(Group.objects.get(name=roles.PROGRAM_ADMINISTRATOR))
    customer = CustomerFactory(
        name="Fabrikam Industries", tenant_id=TENANT, primary_domain="fabrikam.example.com"
    )
    CustomerFactory(name="Contoso Pharma", tenant_id=OTHER_TENANT, primary_domain="contoso.example")
    claim = make_claim(
        customer=customer,
        workloads=("teams", "exchange"),
        state=ClaimState.SUBMITTED,
        on=datetime.date(2026, 3, 2),
    )
    claim.partner_center_reference = CLAIM_REFERENCE
    claim.save()
    standard_rates()
    ReferralFactory(referral_id="FT-2026-000101")
    return Seeded(admin, customer, claim)


@pytest.fixture
def seeded(db: None) -> Seeded:
    return seed()


@pytest.fixture(scope="module", autouse=True)
def summary(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    result = {name: dict(counts) for name, counts in TRIED.items()}
    cache = getattr(request.config, "cache", None)
    if cache is not None:
        cache.set(f"frpdesk/import_fuzz/{worker}", result)
    lines = [f"  {name}: {dict(counts)}" for name, counts in result.items()]
    print(f"\nimport fuzz ({worker}), examples per import:\n" + "\n".join(lines))


def changed_tables(before: dict[str, int], after: dict[str, int], kept: tuple[str, ...]) -> dict:
    return {
        label: (before[label], after[label])
        for label in before
        if before[label] != after[label] and label not in kept and label != "auditlog.LogEntry"
    }


def audit_entries_since(count: int) -> list[str]:
    from auditlog.models import LogEntry

    return [
        entry.content_type.model_class()._meta.label
        for entry in LogEntry.objects.order_by("pk")[count:]
    ]


@pytest.mark.parametrize("spec", IMPORTS, ids=[spec.name for spec in IMPORTS])
def test_malformed_files_are_refused_cleanly(spec: Import, seeded: Seeded) -> None:
    baseline = row_counts()

    @SETTINGS
    @given(file_name=st.sampled_from(spec.file_names), content=spec.contents())
    def check(file_name: str, content: bytes) -> None:
        TRIED[spec.name]["examples"] += 1
        with transaction.atomic():
            try:
                refusal = spec.run(seeded, file_name, content)
            except ImportFailure as failure:
                refusal = str(failure)
            if refusal is None:
                TRIED[spec.name]["imported"] += 1
            else:
                TRIED[spec.name]["refused"] += 1
                assert refusal.startswith(file_name[:255]), refusal
                after = row_counts()
                assert changed_tables(baseline, after, spec.kept_on_failure) == {}, refusal
                kept_labels = set(spec.kept_on_failure)
                assert set(audit_entries_since(baseline["auditlog.LogEntry"])) <= kept_labels
            transaction.set_rollback(True)

    check()


# --- through HTTP ----------------------------------------------------------------------------


@pytest.fixture
def token(seeded: Seeded) -> str:
    from frpdesk.accounts.tests.factories import token_header

    return token_header(seeded.admin)


def upload(file_name: str, content: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(file_name, content, content_type="application/octet-stream")


HTTP_CASES: dict[str, Callable[[Any, Seeded, str, str, bytes], Any]] = {
    "licence upload page": lambda client, seeded, token, name, content: client.post(
        f"/customers/{seeded.customer.pk}/licences/upload/",
        {"file": upload(name, content), "as_of": "2026-03-31"},
    ),
    "licence upload API": lambda client, seeded, token, name, content: client.post(
        f"/api/customers/{seeded.customer.pk}/licenses/",
        {"file": upload(name, content), "as_of": "2026-03-31"},
        headers={"Authorization": token},
    ),
    "claim status API": lambda client, seeded, token, name, content: client.post(
        "/api/claims/status-import/",
        {"file": upload(name, content)},
        headers={"Authorization": token},
    ),
    "customer import page": lambda client, seeded, token, name, content: client.post(
        "/customers/import/", {"file": upload(name, content)}
    ),
}
HTTP_CONTENTS = {
    "licence upload page": licence_contents,
    "licence upload API": licence_contents,
    "claim status API": claim_status_contents,
    "customer import page": customer_contents,
}


@pytest.mark.parametrize("case", list(HTTP_CASES))
def test_uploads_never_answer_a_server_error(
    case: str, client: Any, seeded: Seeded, token: str, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path  # the customer import page parks previewed files there
    client.force_login(seeded.admin)
    baseline = row_counts()
    post = HTTP_CASES[case]

    @hypothesis_settings(SETTINGS, max_examples=HTTP_EXAMPLES)
    @given(
        file_name=st.sampled_from(["file.csv", "file.json", "file.xlsx", "upload"]),
        content=HTTP_CONTENTS[case](),
    )
    def check(file_name: str, content: bytes) -> None:
        TRIED[case]["examples"] += 1
        with transaction.atomic():
            response = post(client, seeded, token, file_name, content)
            TRIED[case][str(response.status_code)] += 1
            assert response.status_code < 500
            if response.status_code >= 400:
                assert changed_tables(baseline, row_counts(), ()) == {}
            transaction.set_rollback(True)

    check()
