"""Licence files in: parsing, every error naming its spot, all-or-nothing, idempotence, history,
unknown SKUs, and eligibility recomputed after every snapshot and every catalog change."""

import datetime
import json
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from auditlog.models import LogEntry

from frpdesk.catalog.models import EligiblePlan, NonPaidSkuMarker, ServicePlan, Sku, Threshold
from frpdesk.core.imports import ImportFailure
from frpdesk.customers.models import Customer
from frpdesk.customers.tests.factories import CustomerFactory
from frpdesk.licensing import services
from frpdesk.licensing.models import (
    Eligibility,
    LicenseSnapshot,
    SnapshotLine,
    SnapshotSource,
)
from frpdesk.licensing.services import (
    ParsedLine,
    eligibility_document,
    import_license_file,
    parse_license_file,
    recompute_all,
)

SAMPLE = Path("/work/shared/samples/subscribedSkus.json")
FABRIKAM_TENANT = uuid.UUID("b7e3c5a1-4f2d-4e8b-9a6c-0d1e2f3a4b5c")
DAY = datetime.date(2025, 11, 20)
CSV_HEADER = "sku_part_number,enabled,suspended,warning,consumed"


# --- helpers ---------------------------------------------------------------------------------


def graph_sku(part_number: str, enabled: Any = 0, **fields: Any) -> dict[str, Any]:
    units = {"enabled": enabled, "lockedOut": 0, "suspended": 0, "warning": 0}
    units.update(fields.pop("units", {}))
    return {
        "capabilityStatus": "Enabled",
        "consumedUnits": 0,
        "skuId": str(uuid.uuid4()),
        "skuPartNumber": part_number,
        "prepaidUnits": units,
        **fields,
    }


def graph_json(*items: Any) -> bytes:
    return json.dumps(
        {
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#subscribedSkus",
            "value": list(items),
        }
    ).encode()


def csv_file(*rows: str, header: str = CSV_HEADER, newline: str = "\n") -> bytes:
    return newline.join([header, *rows, ""]).encode()


def failure(file_name: str, content: bytes) -> str:
    with pytest.raises(ImportFailure) as caught:
        parse_license_file(file_name, content)
    return str(caught.value)


def make_customer(
    name: str = "Fabrikam Industries", tenant_id: uuid.UUID = FABRIKAM_TENANT
) -> Customer:
    return CustomerFactory(name=name, tenant_id=tenant_id)


def do_import(
    customer: Customer, content: bytes, *, as_of: datetime.date = DAY, name: str = "licences.csv"
) -> Any:
    return import_license_file(
        acting_user=None, customer=customer, file_name=name, content=content, as_of=as_of
    )


def state() -> tuple[Any, ...]:
    """Everything an import may write."""
    return (
        list(
            LicenseSnapshot.objects.values_list(
                "pk", "customer_id", "as_of", "content_hash", "imported_at"
            )
        ),
        list(
            SnapshotLine.objects.values_list(
                "snapshot_id", "sku_part_number", "enabled", "suspended", "warning"
            )
        ),
        list(
            Eligibility.objects.values_list(
                "customer_id", "as_of", "eligible", "eligible_seats", "computed_at"
            )
        ),
        LogEntry.objects.count(),
    )


# --- parsing Graph JSON ----------------------------------------------------------------------


def test_the_sample_subscribed_skus_as_graph_returns_it() -> None:
    parsed = parse_license_file(SAMPLE.name, SAMPLE.read_bytes())
    assert parsed.source == SnapshotSource.GRAPH_JSON
    by_part = {line.part_number: line for line in parsed.lines}
    assert list(by_part) == [
        "SPE_E3",
        "SPE_E5",
        "SPE_F1",
        "STANDARDPACK",
        "EMSPREMIUM",
        "Microsoft_365_Copilot",
        "FLOW_FREE",
        "ENTERPRISEPACK",
    ]
    assert by_part["SPE_E3"] == ParsedLine(
        "SPE_E3",
        enabled=20,
        consumed=15,
        sku_guid=uuid.UUID("05e9a617-0261-4cee-bb44-138d3ef5d965"),
        capability_status="Enabled",
    )
    assert by_part["FLOW_FREE"].enabled == 10000
    expired = by_part["ENTERPRISEPACK"]
    assert (expired.enabled, expired.warning, expired.capability_status) == (0, 10, "Warning")


def test_json_with_a_byte_order_mark_and_leading_space() -> None:
    parsed = parse_license_file(
        "skus.json", b"\xef\xbb\xbf \n" + graph_json(graph_sku("SPE_E3", 5))
    )
    assert parsed.lines == [
        ParsedLine("SPE_E3", 5, sku_guid=parsed.lines[0].sku_guid, capability_status="Enabled")
    ]


def test_json_optional_counts_and_odd_spacing_in_part_numbers() -> None:
    item = graph_sku(" SPE_E3 ", 7)
    item["prepaidUnits"] = {"enabled": 7}
    del item["consumedUnits"], item["skuId"], item["capabilityStatus"]
    parsed = parse_license_file("skus.json", graph_json(item))
    assert parsed.lines == [ParsedLine("SPE_E3", 7)]


def test_an_empty_value_list_is_a_tenant_without_licences() -> None:
    assert parse_license_file("skus.json", graph_json()).lines == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "skus.json: is empty"),
        (b"  \r\n ", "skus.json: is empty"),
        (b"\xff\xfe{\x00", "skus.json: is not UTF-8 text"),
        (
            b'{\n  "value": [\n    {"skuPartNumber": "SPE_E3",}\n  ]\n}',
            "skus.json, line 3: is not valid JSON: Expecting property name enclosed in double quotes",
        ),
        (
            b"[]",
            'skus.json: is not a Microsoft Graph subscribedSkus response: expected an object with a "value" list',
        ),
        (b'{"value": {}}', "skus.json: is not a Microsoft Graph subscribedSkus response"),
        (b'{"values": []}', "skus.json: is not a Microsoft Graph subscribedSkus response"),
    ],
    ids=["empty", "blank", "utf-16", "syntax", "array", "value-not-list", "no-value"],
)
def test_json_file_errors(content: bytes, message: str) -> None:
    assert failure("skus.json", content).startswith(message)


def _item_error(item: Any, position: int = 2) -> str:
    items: list[Any] = [graph_sku("SPE_E5", 1)]
    items.insert(position - 1, item)
    return failure("skus.json", graph_json(*items))


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("SPE_E3", "skus.json, item 2, field value: must be an object"),
        (
            {**graph_sku("X"), "skuPartNumber": None},
            "skus.json, item 2, field skuPartNumber: is missing or empty",
        ),
        (
            {**graph_sku("X"), "skuPartNumber": "  "},
            "skus.json, item 2, field skuPartNumber: is missing or empty",
        ),
        (
            {**graph_sku("X"), "skuPartNumber": 42},
            "skus.json, item 2, field skuPartNumber: is missing or empty",
        ),
        (graph_sku("spe_e5", 3), "skus.json, item 2, field skuPartNumber: spe_e5 appears twice"),
        (
            {**graph_sku("X"), "skuId": "not-a-guid"},
            "skus.json, item 2, field skuId: is not a GUID: 'not-a-guid'",
        ),
        (
            {**graph_sku("X"), "prepaidUnits": None},
            "skus.json, item 2, field prepaidUnits: is missing or not an object",
        ),
        (
            {**graph_sku("X"), "prepaidUnits": [1]},
            "skus.json, item 2, field prepaidUnits: is missing or not an object",
        ),
        (
            graph_sku("X", None),
            "skus.json, item 2, field prepaidUnits.enabled: must be a whole number from 0 to 2,147,483,647, got None",
        ),
        (
            graph_sku("X", -1),
            "skus.json, item 2, field prepaidUnits.enabled: must be a whole number from 0 to 2,147,483,647, got -1",
        ),
        (
            graph_sku("X", "20"),
            "skus.json, item 2, field prepaidUnits.enabled: must be a whole number from 0 to 2,147,483,647, got '20'",
        ),
        (
            graph_sku("X", 2.5),
            "skus.json, item 2, field prepaidUnits.enabled: must be a whole number from 0 to 2,147,483,647, got 2.5",
        ),
        (
            graph_sku("X", True),
            "skus.json, item 2, field prepaidUnits.enabled: must be a whole number from 0 to 2,147,483,647, got True",
        ),
        (
            graph_sku("X", 1, units={"suspended": -2}),
            "skus.json, item 2, field prepaidUnits.suspended: must be a whole number",
        ),
        (
            graph_sku("X", 1, units={"warning": "x"}),
            "skus.json, item 2, field prepaidUnits.warning: must be a whole number",
        ),
        (
            graph_sku("X", 1, units={"lockedOut": 1.0}),
            "skus.json, item 2, field prepaidUnits.lockedOut: must be a whole number",
        ),
        (
            graph_sku("X", 1, consumedUnits=-3),
            "skus.json, item 2, field consumedUnits: must be a whole number",
        ),
        # Found by the import fuzz test: PostgreSQL refused the row (a 500).
        (
            {**graph_sku("X"), "skuPartNumber": "E" * 121},
            "skus.json, item 2, field skuPartNumber: is longer than 120 characters",
        ),
        (
            {**graph_sku("X"), "skuPartNumber": "SPE\x00E5"},
            "skus.json, item 2, field skuPartNumber: has a control character",
        ),
    ],
)
def test_json_item_errors_name_the_item_and_field(item: Any, message: str) -> None:
    assert _item_error(item).startswith(message)


def test_json_item_numbers_count_from_one() -> None:
    assert _item_error(graph_sku("X", -1), position=1).startswith(
        "skus.json, item 1, field prepaidUnits.enabled"
    )


def test_json_error_line_counts_leading_blank_lines() -> None:
    content = b'\n\n{\n  "value": [,]\n}'
    assert failure("skus.json", content).startswith("skus.json, line 4: is not valid JSON")


def test_deeply_nested_json_is_refused_with_a_message() -> None:
    assert "is not valid JSON" in failure("skus.json", b"[" * 100_000)


def test_json_with_a_number_too_long_to_read_is_refused_with_a_message() -> None:
    """Found by the import fuzz test: a ValueError, not a JSONDecodeError, escaped."""
    content = b'{"value": [{"skuPartNumber": "SPE_E5", "prepaidUnits": {"enabled": '
    content += b"9" * 5000 + b"}}]}"
    assert failure("skus.json", content) == (
        "skus.json: is not valid JSON: it has a number of thousands of digits"
    )


# --- parsing CSV -----------------------------------------------------------------------------


def test_csv_with_byte_order_mark_and_crlf_line_endings() -> None:
    content = b"\xef\xbb\xbf" + csv_file(
        "SPE_E3,200,1,2,150", "FLOW_FREE,10000,0,0,3", newline="\r\n"
    )
    parsed = parse_license_file("licences.csv", content)
    assert parsed.source == SnapshotSource.CSV
    assert parsed.lines == [
        ParsedLine("SPE_E3", 200, 1, 2, consumed=150),
        ParsedLine("FLOW_FREE", 10000, consumed=3),
    ]


def test_csv_columns_by_header_name_in_any_order_with_extra_columns() -> None:
    content = csv_file(
        '3,"Microsoft 365 E3, annual",0,SPE_E3,150,1',
        header=" Consumed ,product,WARNING,sku_part_number,enabled,suspended",
    )
    assert parse_license_file("licences.csv", content).lines == [
        ParsedLine("SPE_E3", 150, 1, 0, consumed=3)
    ]


def test_csv_blank_optional_numbers_are_zero_and_blank_rows_are_skipped() -> None:
    content = csv_file("SPE_E3,150,,,", "", ",,,,", "EMS , 5", newline="\r\n")
    assert parse_license_file("licences.csv", content).lines == [
        ParsedLine("SPE_E3", 150),
        ParsedLine("EMS", 5),
    ]


def test_csv_without_a_final_newline() -> None:
    assert parse_license_file("l.csv", f"{CSV_HEADER}\nSPE_E3,1,0,0,0".encode()).lines == [
        ParsedLine("SPE_E3", 1)
    ]


CSV_ERRORS = [
    (b"", "licences.csv: is empty"),
    (b"\xef\xbb\xbf", "licences.csv: is empty"),
    (
        b"sku_part_number;enabled\r\nSPE_E3;1",
        "licences.csv, row 1: is missing the column(s) sku_part_number, enabled, suspended, "
        "warning, consumed; expected sku_part_number,enabled,suspended,warning,consumed",
    ),
    (
        b"sku,enabled,suspended,warning,consumed\nSPE_E3,1,0,0,0",
        "licences.csv, row 1: is missing the column(s) sku_part_number",
    ),
    (csv_file(), "licences.csv: has a header but no SKU rows"),
    (csv_file("", ""), "licences.csv: has a header but no SKU rows"),
    (
        csv_file("SPE_E3,1,0,0,0", ",5,0,0,0"),
        "licences.csv, row 3, column sku_part_number: is empty",
    ),
    (
        csv_file("SPE_E3,1,0,0,0", "spe_e3,2,0,0,0"),
        "licences.csv, row 3, column sku_part_number: spe_e3 appears twice",
    ),
    # Found by the import fuzz test: a ValueError from int(), and PostgreSQL refusing the row.
    (
        csv_file("SPE_E3," + "9" * 5000 + ",0,0,0"),
        "licences.csv, row 2, column enabled: must be a whole number from 0 to 2,147,483,647",
    ),
    (
        csv_file("E" * 121 + ",1,0,0,0"),
        "licences.csv, row 2, column sku_part_number: is longer than 120 characters",
    ),
    (
        csv_file("SPE\x00E5,1,0,0,0"),
        "licences.csv, row 2, column sku_part_number: has a control character",
    ),
    (
        csv_file("SPE_E3,,0,0,0"),
        "licences.csv, row 2, column enabled: must be a whole number from 0 to 2,147,483,647, got ''",
    ),
    (
        csv_file("SPE_E3,ten,0,0,0"),
        "licences.csv, row 2, column enabled: must be a whole number from 0 to 2,147,483,647, got 'ten'",
    ),
    (
        csv_file("SPE_E3,-1,0,0,0"),
        "licences.csv, row 2, column enabled: must be a whole number from 0 to 2,147,483,647, got '-1'",
    ),
    (
        csv_file("SPE_E3,1.5,0,0,0"),
        "licences.csv, row 2, column enabled: must be a whole number from 0 to 2,147,483,647, got '1.5'",
    ),
    (
        csv_file("SPE_E3,1,x,0,0"),
        "licences.csv, row 2, column suspended: must be a whole number",
    ),
    (
        csv_file("SPE_E3,1,0,0,0", "", "EMS,1,0,-4,0"),
        "licences.csv, row 4, column warning: must be a whole number",
    ),
    (
        csv_file("SPE_E3,1,0,0,many"),
        "licences.csv, row 2, column consumed: must be a whole number",
    ),
    (csv_file('"SPE\nE3",1,0,0,0', "EMS,1,0,0,z"), "licences.csv, row 4, column consumed"),
    (
        csv_file('SPE_E3,"1,0,0,0'),
        "licences.csv, row 2, column enabled: must be a whole number from 0 to 2,147,483,647, got '1,0,0,0'",
    ),
    (b"\xef\xbb\xbfsku_part_number,enabled\xe9", "licences.csv: is not UTF-8 text"),
    (
        csv_file("SPE_E3,1,0,0,0", "EMS," + "9" * 200_000 + ",0,0,0"),
        "licences.csv, row 3: is not valid CSV: field larger than field limit",
    ),
]


@pytest.mark.parametrize(
    ("content", "message"), CSV_ERRORS, ids=[message[14:60] for _, message in CSV_ERRORS]
)
def test_csv_errors_name_file_row_and_column(content: bytes, message: str) -> None:
    assert failure("licences.csv", content).startswith(message)


def test_csv_superscript_digits_are_refused_with_a_message() -> None:
    assert failure("licences.csv", csv_file("SPE_E3,²,0,0,0")).startswith(
        "licences.csv, row 2, column enabled"
    )


def test_counts_beyond_the_database_range_are_refused_with_a_message() -> None:
    assert failure("licences.csv", csv_file("SPE_E3,3000000000,0,0,0")).startswith(
        "licences.csv, row 2, column enabled"
    )


# --- all or nothing --------------------------------------------------------------------------

db_test = pytest.mark.django_db


@db_test
@pytest.mark.parametrize(
    "content",
    [
        csv_file("SPE_E3,200,0,0,0", "EMSPREMIUM,x,0,0,0"),
        graph_json(graph_sku("SPE_E3", 200), graph_sku("EMSPREMIUM", -1)),
        b"\xff\xfe",
        b"",
    ],
    ids=["csv-row-2-bad", "json-item-2-bad", "not-utf8", "empty"],
)
def test_a_failing_file_writes_nothing(content: bytes) -> None:
    customer = make_customer()
    do_import(customer, csv_file("SPE_E3,100,0,0,0"), as_of=DAY)
    before = state()
    with pytest.raises(ImportFailure):
        do_import(customer, content, as_of=DAY)
    with pytest.raises(ImportFailure):
        do_import(customer, content, as_of=DAY + datetime.timedelta(days=1))
    assert state() == before


@db_test
def test_a_failure_while_saving_rolls_the_whole_file_back(monkeypatch: pytest.MonkeyPatch) -> None:
    customer = make_customer()

    def broken(*args: Any, **kwargs: Any) -> int:
        raise RuntimeError("recompute failed")

    monkeypatch.setattr(services, "recompute_eligibility", broken)
    with pytest.raises(RuntimeError):
        do_import(customer, csv_file("SPE_E3,200,0,0,0"))
    assert not LicenseSnapshot.objects.exists()
    assert not SnapshotLine.objects.exists()


# --- snapshots, idempotence and history ------------------------------------------------------


@db_test
def test_import_of_the_sample_stores_every_line_and_the_eligibility() -> None:
    customer = make_customer()
    outcome = do_import(customer, SAMPLE.read_bytes(), name=SAMPLE.name)

    assert (outcome.created, outcome.changed, outcome.unknown_skus) == (True, True, [])
    snapshot = outcome.snapshot
    assert (snapshot.as_of, snapshot.source, snapshot.file_name) == (DAY, "graph_json", SAMPLE.name)
    assert snapshot.lines.count() == 8
    assert all(line.sku_id is not None for line in snapshot.lines.all())
    e3 = snapshot.lines.get(sku_part_number="SPE_E3")
    assert (e3.enabled, e3.consumed, str(e3.sku_guid)) == (
        20,
        15,
        "05e9a617-0261-4cee-bb44-138d3ef5d965",
    )
    document = eligibility_document(customer)
    assert document is not None
    assert (document["eligible"], document["eligible_seats"], document["as_of"]) == (
        False,
        50,
        "2025-11-20",
    )
    assert LogEntry.objects.get_for_object(snapshot).count() == 1


@db_test
@pytest.mark.parametrize("path", [SAMPLE, None], ids=["json", "csv"])
def test_the_same_file_twice_changes_nothing(path: Path | None) -> None:
    customer = make_customer()
    content = path.read_bytes() if path else csv_file("SPE_E3,200,1,0,150", "CONTOSO_X,5,,,")
    first = do_import(customer, content)
    before = state()

    again = do_import(customer, content)

    assert (again.created, again.changed) == (False, False)
    assert again.snapshot.pk == first.snapshot.pk
    assert again.unknown_skus == first.unknown_skus
    assert state() == before  # no new row, no new timestamp, no new audit entry


@db_test
def test_the_same_licences_in_another_order_or_format_are_unchanged() -> None:
    customer = make_customer()
    do_import(customer, csv_file("SPE_E3,200,1,2,150", "EMSPREMIUM,5,0,0,1"))
    again = do_import(
        customer,
        csv_file(
            "1,EMSPREMIUM,5,0,0",
            "150,spe_e3,200,1,2",
            header="consumed,sku_part_number,enabled,suspended,warning",
        ),
    )
    assert not again.changed


@db_test
def test_a_different_file_the_same_day_replaces_the_snapshot() -> None:
    customer = make_customer()
    first = do_import(customer, csv_file("SPE_E3,100,0,0,0", "EMSPREMIUM,10,0,0,0"))
    assert not Eligibility.objects.get(customer=customer).eligible

    second = do_import(customer, csv_file("SPE_E3,180,0,0,0"), name="newer.csv")

    assert (second.created, second.changed) == (False, True)
    assert second.snapshot.pk == first.snapshot.pk
    assert LicenseSnapshot.objects.filter(customer=customer).count() == 1
    snapshot = LicenseSnapshot.objects.get(customer=customer)
    assert snapshot.file_name == "newer.csv"
    assert list(snapshot.lines.values_list("sku_part_number", "enabled")) == [("SPE_E3", 180)]
    eligibility = Eligibility.objects.get(customer=customer)
    assert (eligibility.eligible, eligibility.eligible_seats) == (True, 180)


@db_test
def test_history_is_kept_and_the_newest_day_decides() -> None:
    customer = make_customer()
    monday, tuesday = DAY, DAY + datetime.timedelta(days=1)
    do_import(customer, csv_file("SPE_E3,100,0,0,0"), as_of=monday)
    do_import(customer, csv_file("SPE_E3,300,0,0,0"), as_of=tuesday)
    assert Eligibility.objects.get(customer=customer).eligible_seats == 300

    # A late import of an older day joins the history without taking over.
    do_import(customer, csv_file("SPE_E3,50,0,0,0"), as_of=monday - datetime.timedelta(days=7))

    assert list(
        LicenseSnapshot.objects.filter(customer=customer)
        .order_by("as_of")
        .values_list("as_of", flat=True)
    ) == [monday - datetime.timedelta(days=7), monday, tuesday]
    eligibility = Eligibility.objects.get(customer=customer)
    assert (eligibility.as_of, eligibility.eligible_seats, eligibility.eligible) == (
        tuesday,
        300,
        True,
    )


@db_test
def test_tenants_are_independent() -> None:
    fabrikam, contoso = make_customer(), make_customer("Contoso", uuid.uuid4())
    do_import(fabrikam, csv_file("SPE_E3,200,0,0,0"))
    do_import(contoso, csv_file("SPE_E3,20,0,0,0"))
    assert Eligibility.objects.get(customer=fabrikam).eligible
    assert not Eligibility.objects.get(customer=contoso).eligible


@db_test
def test_eligible_workloads_are_linked_for_filtering() -> None:
    customer = make_customer()
    do_import(customer, csv_file("SPE_E3,600,0,0,0", "Microsoft_365_Copilot,20,0,0,0"))
    eligibility = Eligibility.objects.get(customer=customer)
    codes = set(eligibility.eligible_workloads.values_list("code", flat=True))
    assert {"exchange", "sharepoint", "onedrive", "teams", "intune"} <= codes
    assert "copilot" not in codes
    assert eligibility.workloads["exchange"]["migration"] == "fasttrack_migration"


# --- unknown SKUs and catalog changes --------------------------------------------------------


@db_test
def test_an_unknown_sku_is_kept_and_flagged_then_counted_once_the_catalog_knows_it(
    django_capture_on_commit_callbacks: Any,
) -> None:
    customer = make_customer()
    outcome = do_import(customer, csv_file("SPE_E3,100,0,0,0", "CONTOSO_E9,80,0,0,0"))

    assert outcome.unknown_skus == ["CONTOSO_E9"]
    line = outcome.snapshot.lines.get(sku_part_number="CONTOSO_E9")
    assert (line.enabled, line.sku_id) == (80, None)
    document = eligibility_document(customer)
    assert document is not None
    assert document["unknown_skus"] == ["CONTOSO_E9"]
    assert (document["eligible"], document["eligible_seats"]) == (False, 100)
    assert any(reason.startswith("CONTOSO_E9: unknown SKU") for reason in document["reasons"])

    with django_capture_on_commit_callbacks(execute=True):
        sku = Sku.objects.create(
            string_id="CONTOSO_E9", guid=uuid.uuid4(), product_name="Contoso E9"
        )
        sku.service_plans.add(ServicePlan.objects.get(name="EXCHANGE_S_ENTERPRISE"))
        EligiblePlan.objects.create(string_id="CONTOSO_E9")

    document = eligibility_document(customer)
    assert document is not None
    assert document["unknown_skus"] == []
    assert (document["eligible"], document["eligible_seats"]) == (True, 180)
    assert document["workloads"]["exchange"]["eligible_seats"] == 180
    assert document["workloads"]["teams"]["eligible_seats"] == 100


def _eligible_customer() -> Customer:
    customer = make_customer()
    do_import(customer, csv_file("SPE_E3,200,0,0,0", "EMSPREMIUM,40,0,0,0"))
    assert Eligibility.objects.get(customer=customer).eligible
    return customer


def _drop_e3_plan() -> None:
    EligiblePlan.objects.filter(string_id="SPE_E3").delete()


def _raise_tenant_threshold() -> None:
    threshold = Threshold.objects.get(code="tenant_min_seats")
    threshold.value = Decimal("250")
    threshold.save()


def _mark_e3_non_paid() -> None:
    NonPaidSkuMarker.objects.create(marker="SPE_E3")


def _remove_e3_from_the_sku_catalog() -> None:
    Sku.objects.get(string_id="SPE_E3").delete()


@db_test
@pytest.mark.parametrize(
    "change",
    [_drop_e3_plan, _raise_tenant_threshold, _mark_e3_non_paid, _remove_e3_from_the_sku_catalog],
)
def test_a_catalog_change_recomputes_every_tenant_after_commit(
    django_capture_on_commit_callbacks: Any, change: Any
) -> None:
    customer = _eligible_customer()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        change()
        # Nothing is recomputed before the change commits.
        assert Eligibility.objects.get(customer=customer).eligible
    assert callbacks.count(recompute_all) == 1

    eligibility = Eligibility.objects.get(customer=customer)
    assert not eligibility.eligible
    assert eligibility.eligible_workloads.count() == 0


@db_test
def test_removing_spe_e3_from_eligible_plans_keeps_its_units_as_pau(
    django_capture_on_commit_callbacks: Any,
) -> None:
    customer = _eligible_customer()
    with django_capture_on_commit_callbacks(execute=True):
        _drop_e3_plan()
    document = eligibility_document(customer)
    assert document is not None
    assert (document["eligible"], document["eligible_seats"]) == (False, 40)
    assert document["workloads"]["exchange"] == {
        "eligible": False,
        "eligible_seats": 0,
        "pau": 200,
        "migration": None,
    }
    assert any("SPE_E3 (Microsoft 365 E3): not an eligible plan" in r for r in document["reasons"])


@db_test
def test_several_catalog_changes_in_one_transaction_recompute_once(
    django_capture_on_commit_callbacks: Any,
) -> None:
    customer = _eligible_customer()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _raise_tenant_threshold()
        EligiblePlan.objects.create(string_id="CONTOSO_E9")
        Threshold.objects.filter(code="workload_min_seats").update(value=10)  # no signal
    assert callbacks.count(recompute_all) == 1
    assert not Eligibility.objects.get(customer=customer).eligible


@db_test
def test_the_document_lists_workloads_added_to_the_catalog_after_the_computation() -> None:
    from frpdesk.catalog.models import Workload

    customer = _eligible_customer()
    Workload.objects.create(
        code="loop", name="Loop", qualifying_service_plans=["MICROSOFT_LOOP"], sort_order=99
    )
    document = eligibility_document(customer)
    assert document is not None
    assert list(document["workloads"])[-1] == "loop"
    assert document["workloads"]["loop"] == {
        "eligible": False,
        "eligible_seats": 0,
        "pau": 0,
        "migration": None,
    }
