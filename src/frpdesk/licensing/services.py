"""Licence snapshots in, eligibility out.

Imports accept Microsoft Graph ``subscribedSkus`` JSON exactly as Graph returns it and a plain CSV
(``sku_part_number,enabled,suspended,warning,consumed``); the format is detected from the content.
A file is all or nothing; the same file twice changes nothing.
"""

import csv
import datetime
import hashlib
import io
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from frpdesk.accounts.models import User
from frpdesk.catalog.models import (
    EligiblePlan,
    NonPaidSkuMarker,
    Sku,
    Threshold,
    Workload,
)
from frpdesk.catalog.services import normalise_name
from frpdesk.core.imports import ImportFailure
from frpdesk.customers.models import Customer
from frpdesk.licensing import eligibility as rules_engine
from frpdesk.licensing.models import Eligibility, LicenseSnapshot, SnapshotLine, SnapshotSource

CSV_COLUMNS = ("sku_part_number", "enabled", "suspended", "warning", "consumed")
MAX_UNITS = 2_147_483_647  # the largest count every supported database stores
MAX_PART_NUMBER = 120  # SnapshotLine.sku_part_number
BATCH = 2000


# --- parsing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedLine:
    part_number: str
    enabled: int
    suspended: int = 0
    warning: int = 0
    locked_out: int = 0
    consumed: int = 0
    sku_guid: uuid.UUID | None = None
    capability_status: str = ""


@dataclass(frozen=True)
class ParsedFile:
    source: str
    lines: list[ParsedLine]


def part_number_problem(part_number: str) -> str | None:
    """Why a non-empty (normalised) SKU part number cannot be stored, or None."""
    if len(part_number) > MAX_PART_NUMBER:
        return f"is longer than {MAX_PART_NUMBER} characters: is it a SKU part number?"
    if not part_number.isprintable():
        return f"has a control character: {part_number!r} is not a SKU part number"
    return None


def parse_license_file(file_name: str, content: bytes) -> ParsedFile:
    """Detect JSON or CSV from the content and parse it; raises ImportFailure naming the spot."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailure(file_name, None, None, "is not UTF-8 text") from exc
    stripped = text.lstrip()
    if not stripped:
        raise ImportFailure(file_name, None, None, "is empty")
    if stripped[0] in "{[":
        return ParsedFile(SnapshotSource.GRAPH_JSON, _parse_graph_json(file_name, text))
    return ParsedFile(SnapshotSource.CSV, _parse_csv(file_name, text))


def _parse_graph_json(file_name: str, text: str) -> list[ParsedLine]:
    try:
        document = json.loads(text)
    except RecursionError as exc:
        raise ImportFailure(file_name, None, None, "is not valid JSON: nested too deeply") from exc
    except json.JSONDecodeError as exc:
        raise ImportFailure(
            file_name,
            exc.lineno,
            None,
            f"is not valid JSON: {exc.msg} (character {exc.colno})",
            row_label="line",
        ) from exc
    except ValueError as exc:  # a number of more digits than Python reads (4,300)
        raise ImportFailure(
            file_name, None, None, "is not valid JSON: it has a number of thousands of digits"
        ) from exc
    if not isinstance(document, dict) or not isinstance(document.get("value"), list):
        raise ImportFailure(
            file_name,
            None,
            None,
            'is not a Microsoft Graph subscribedSkus response: expected an object with a "value" list',
        )
    lines: list[ParsedLine] = []
    seen: set[str] = set()
    for index, item in enumerate(document["value"], start=1):

        def fail(field: str, problem: str, index: int = index) -> ImportFailure:
            return ImportFailure(
                file_name, index, field, problem, row_label="item", column_label="field"
            )

        if not isinstance(item, dict):
            raise fail("value", "must be an object")
        part_number = item.get("skuPartNumber")
        if not isinstance(part_number, str) or not part_number.strip():
            raise fail("skuPartNumber", "is missing or empty")
        part_number = normalise_name(part_number)
        problem = part_number_problem(part_number)
        if problem:
            raise fail("skuPartNumber", problem)
        if part_number.upper() in seen:
            raise fail("skuPartNumber", f"{part_number} appears twice")
        seen.add(part_number.upper())
        sku_guid = None
        if item.get("skuId") is not None:
            try:
                sku_guid = uuid.UUID(str(item["skuId"]))
            except ValueError as exc:
                raise fail("skuId", f"is not a GUID: {item['skuId']!r}") from exc
        units = item.get("prepaidUnits")
        if not isinstance(units, dict):
            raise fail("prepaidUnits", "is missing or not an object")

        def count(container: dict[str, Any], key: str, field: str, required: bool = False) -> int:
            value = container.get(key)
            if value is None and not required:
                return 0
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_UNITS:
                raise fail(field, f"must be a whole number from 0 to {MAX_UNITS:,}, got {value!r}")
            return value

        lines.append(
            ParsedLine(
                part_number=part_number,
                enabled=count(units, "enabled", "prepaidUnits.enabled", required=True),
                suspended=count(units, "suspended", "prepaidUnits.suspended"),
                warning=count(units, "warning", "prepaidUnits.warning"),
                locked_out=count(units, "lockedOut", "prepaidUnits.lockedOut"),
                consumed=count(item, "consumedUnits", "consumedUnits"),
                sku_guid=sku_guid,
                capability_status=str(item.get("capabilityStatus") or "").replace("\x00", "")[:20],
            )
        )
    return lines


def _parse_csv(file_name: str, text: str) -> list[ParsedLine]:
    reader = csv.reader(io.StringIO(text))
    try:
        header = [normalise_name(name).lower() for name in next(reader)]
    except StopIteration as exc:
        raise ImportFailure(file_name, None, None, "is empty") from exc
    except csv.Error as exc:
        raise ImportFailure(file_name, 1, None, f"is not valid CSV: {exc}") from exc
    missing = [column for column in CSV_COLUMNS if column not in header]
    if missing:
        hint = (
            " (its columns seem to be separated by ';' or tabs: use commas)"
            if len(header) == 1
            else ""
        )
        raise ImportFailure(
            file_name,
            1,
            None,
            f"is missing the column(s) {', '.join(missing)}; expected {','.join(CSV_COLUMNS)}{hint}",
        )
    position = {column: header.index(column) for column in CSV_COLUMNS}
    lines: list[ParsedLine] = []
    seen: set[str] = set()
    try:
        for row in reader:
            row_number = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            cells = {
                column: (row[index].strip() if index < len(row) else "")
                for column, index in position.items()
            }
            part_number = normalise_name(cells["sku_part_number"])
            if not part_number:
                raise ImportFailure(file_name, row_number, "sku_part_number", "is empty")
            problem = part_number_problem(part_number)
            if problem:
                raise ImportFailure(file_name, row_number, "sku_part_number", problem)
            if part_number.upper() in seen:
                raise ImportFailure(
                    file_name, row_number, "sku_part_number", f"{part_number} appears twice"
                )
            seen.add(part_number.upper())
            numbers = [
                _csv_count(file_name, row_number, column, cells[column])
                for column in CSV_COLUMNS[1:]
            ]
            enabled, suspended, warning, consumed = numbers
            lines.append(ParsedLine(part_number, enabled, suspended, warning, consumed=consumed))
    except csv.Error as exc:
        raise ImportFailure(file_name, reader.line_num, None, f"is not valid CSV: {exc}") from exc
    if not lines:
        raise ImportFailure(file_name, None, None, "has a header but no SKU rows")
    return lines


def _csv_count(file_name: str, row: int, column: str, raw: str) -> int:
    if not raw and column != "enabled":
        return 0
    # The length first: int() refuses strings of more than 4,300 digits.
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 10 or int(raw) > MAX_UNITS:
        raise ImportFailure(
            file_name, row, column, f"must be a whole number from 0 to {MAX_UNITS:,}, got {raw!r}"
        )
    return int(raw)


# --- snapshots -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SnapshotOutcome:
    snapshot: LicenseSnapshot
    created: bool
    changed: bool
    unknown_skus: list[str]


def content_hash(lines: Iterable[ParsedLine]) -> str:
    canonical = sorted(
        (
            line.part_number.upper(),
            line.enabled,
            line.suspended,
            line.warning,
            line.locked_out,
            line.consumed,
        )
        for line in lines
    )
    return hashlib.sha256(json.dumps(canonical).encode()).hexdigest()


@transaction.atomic
def save_snapshot(
    *,
    acting_user: User | None,
    customer: Customer,
    lines: Sequence[ParsedLine],
    as_of: datetime.date,
    source: str,
    file_name: str = "",
) -> SnapshotOutcome:
    """Store the tenant's licences on ``as_of`` (replacing that day's) and recompute eligibility."""
    digest = content_hash(lines)
    snapshot = LicenseSnapshot.objects.filter(customer=customer, as_of=as_of).first()
    catalog = {
        string_id.upper(): pk for pk, string_id in Sku.objects.values_list("pk", "string_id")
    }
    unknown = sorted(line.part_number for line in lines if line.part_number.upper() not in catalog)
    if snapshot is not None and snapshot.content_hash == digest:
        return SnapshotOutcome(snapshot, created=False, changed=False, unknown_skus=unknown)
    created = snapshot is None
    if snapshot is None:
        snapshot = LicenseSnapshot(customer=customer, as_of=as_of)
    snapshot.source, snapshot.file_name, snapshot.content_hash = source, file_name[:255], digest
    snapshot.imported_by = acting_user
    snapshot.save()
    snapshot.lines.all().delete()
    SnapshotLine.objects.bulk_create(
        SnapshotLine(
            snapshot=snapshot,
            sku_part_number=line.part_number,
            sku_guid=line.sku_guid,
            sku_id=catalog.get(line.part_number.upper()),
            enabled=line.enabled,
            suspended=line.suspended,
            warning=line.warning,
            locked_out=line.locked_out,
            consumed=line.consumed,
            capability_status=line.capability_status,
        )
        for line in lines
    )
    recompute_eligibility([customer.pk])
    _announce_after_commit([customer.pk])
    return SnapshotOutcome(snapshot, created=created, changed=True, unknown_skus=unknown)


def _announce_after_commit(customer_ids: list[int] | None) -> None:
    from frpdesk.licensing.signals import licences_changed

    transaction.on_commit(
        lambda: licences_changed.send(sender=LicenseSnapshot, customer_ids=customer_ids)
    )


def import_license_file(
    *,
    acting_user: User | None,
    customer: Customer,
    file_name: str,
    content: bytes,
    as_of: datetime.date,
) -> SnapshotOutcome:
    parsed = parse_license_file(file_name, content)
    return save_snapshot(
        acting_user=acting_user,
        customer=customer,
        lines=parsed.lines,
        as_of=as_of,
        source=parsed.source,
        file_name=file_name,
    )


@dataclass(frozen=True)
class LineChange:
    part_number: str
    before: int | None  # paid available units; None when the SKU was not there
    after: int | None

    @property
    def kind(self) -> str:
        if self.before is None:
            return "added"
        if self.after is None:
            return "removed"
        return "increased" if self.after > self.before else "decreased"


def snapshot_changes(older: LicenseSnapshot, newer: LicenseSnapshot) -> list[LineChange]:
    """What changed in paid available units between two snapshots of a tenant."""
    before = dict(older.lines.values_list("sku_part_number", "enabled"))
    after = dict(newer.lines.values_list("sku_part_number", "enabled"))
    return [
        LineChange(part, before.get(part), after.get(part))
        for part in sorted(before.keys() | after.keys())
        if before.get(part) != after.get(part)
    ]


# --- eligibility -----------------------------------------------------------------------------


def load_rules() -> rules_engine.Rules:
    """The catalog as the rules engine needs it, read in a handful of queries."""
    workloads = list(Workload.objects.order_by("sort_order", "code"))
    plan_to_workloads: dict[str, set[str]] = {}
    for workload in workloads:
        for plan in workload.qualifying_service_plans:
            plan_to_workloads.setdefault(normalise_name(plan), set()).add(workload.code)
    carried: dict[int, set[str]] = {}
    for sku_id, plan_name in Sku.service_plans.through.objects.values_list(
        "sku_id", "serviceplan__name"
    ):
        codes = plan_to_workloads.get(plan_name)
        if codes:
            carried.setdefault(sku_id, set()).update(codes)
    eligible = {
        string_id.upper() for string_id in EligiblePlan.objects.values_list("string_id", flat=True)
    }
    markers = list(NonPaidSkuMarker.objects.values_list("marker", flat=True))
    skus = {
        string_id.upper(): rules_engine.CatalogSku(
            string_id=string_id,
            product_name=product_name,
            workloads=frozenset(carried.get(pk, ())),
            eligible_plan=string_id.upper() in eligible,
            paid=rules_engine.is_paid_sku(string_id, product_name, markers),
        )
        for pk, string_id, product_name in Sku.objects.values_list(
            "pk", "string_id", "product_name"
        )
    }
    thresholds = dict(Threshold.objects.values_list("code", "value"))
    return rules_engine.Rules(
        skus=skus,
        workload_codes=tuple(workload.code for workload in workloads),
        migration_workloads=frozenset(w.code for w in workloads if w.data_migration_applies),
        tenant_min_seats=int(thresholds.get("tenant_min_seats", 150)),
        workload_min_seats=int(thresholds.get("workload_min_seats", 150)),
        fasttrack_migration_seats=int(thresholds.get("fasttrack_migration_seats", 500)),
    )


def latest_snapshot_ids(
    customer_ids: Sequence[int] | None = None,
) -> dict[int, tuple[int, datetime.date]]:
    """customer id → (id, as_of) of its newest snapshot."""
    snapshots = LicenseSnapshot.objects.order_by("customer_id", "-as_of").values_list(
        "customer_id", "pk", "as_of"
    )
    batches = (
        [snapshots]
        if customer_ids is None
        else [snapshots.filter(customer_id__in=chunk) for chunk in _chunks(customer_ids)]
    )
    newest: dict[int, tuple[int, datetime.date]] = {}
    for batch in batches:
        for customer_id, pk, as_of in batch:
            newest.setdefault(customer_id, (pk, as_of))
    return newest


@transaction.atomic
def recompute_eligibility(
    customer_ids: Sequence[int] | None = None, rules: rules_engine.Rules | None = None
) -> int:
    """Recompute the eligibility of the given customers (all when None); returns how many."""
    rules = rules or load_rules()
    newest = latest_snapshot_ids(customer_ids)
    lines_by_snapshot: dict[int, list[rules_engine.Line]] = {}
    snapshot_ids = [pk for pk, _ in newest.values()]
    for chunk in _chunks(snapshot_ids):
        for snapshot_id, part, enabled, suspended, warning in SnapshotLine.objects.filter(
            snapshot_id__in=chunk
        ).values_list("snapshot_id", "sku_part_number", "enabled", "suspended", "warning"):
            lines_by_snapshot.setdefault(snapshot_id, []).append(
                rules_engine.Line(part, enabled, suspended, warning)
            )

    workload_ids = dict(Workload.objects.values_list("code", "pk"))
    results: list[Eligibility] = []
    links = []
    through = Eligibility.eligible_workloads.through
    for customer_id, (snapshot_id, as_of) in newest.items():
        result = rules_engine.evaluate(lines_by_snapshot.get(snapshot_id, []), rules)
        results.append(
            Eligibility(
                customer_id=customer_id,
                snapshot_id=snapshot_id,
                as_of=as_of,
                eligible=result.eligible,
                eligible_seats=result.eligible_seats,
                workloads={code: item.as_dict() for code, item in result.workloads.items()},
                unknown_skus=result.unknown_skus,
                reasons=result.reasons,
            )
        )
        links += [
            through(eligibility_id=customer_id, workload_id=workload_ids[code])
            for code in result.eligible_workloads
        ]

    stale = (
        Eligibility.objects.all()
        if customer_ids is None
        else Eligibility.objects.filter(customer_id__in=customer_ids)
    )
    if customer_ids is None:
        through.objects.all().delete()
        stale.delete()
    else:
        for chunk in _chunks(customer_ids):
            through.objects.filter(eligibility_id__in=chunk).delete()
            Eligibility.objects.filter(customer_id__in=chunk).delete()
    Eligibility.objects.bulk_create(results, batch_size=BATCH)
    through.objects.bulk_create(links, batch_size=BATCH * 5)
    return len(results)


def _chunks(items: Sequence[int] | None) -> list[Sequence[int]]:
    if items is None:
        return []
    return [items[start : start + BATCH] for start in range(0, len(items), BATCH)]


def recompute_after_catalog_change(**kwargs: Any) -> None:
    """Once per transaction, after it commits: a rule changed, so every tenant is recomputed."""
    if any(entry[1] is recompute_all for entry in connection.run_on_commit):
        return
    transaction.on_commit(recompute_all)


def recompute_all() -> None:
    link_known_skus()
    recompute_eligibility()
    _announce_after_commit(None)


def link_known_skus() -> int:
    """Link snapshot lines of SKUs that were unknown when imported and the catalog now knows."""
    catalog = {
        string_id.upper(): pk for pk, string_id in Sku.objects.values_list("pk", "string_id")
    }
    linked = 0
    for line in SnapshotLine.objects.filter(sku__isnull=True).only("pk", "sku_part_number"):
        sku_pk = catalog.get(line.sku_part_number.upper())
        if sku_pk is not None:
            SnapshotLine.objects.filter(pk=line.pk).update(sku_id=sku_pk)
            linked += 1
    return linked


# --- reading ---------------------------------------------------------------------------------


def workload_pau_history(
    customer_ids: Sequence[int], rules: rules_engine.Rules | None = None
) -> dict[int, list[tuple[datetime.date, dict[str, int]]]]:
    """customer id → [(snapshot date, {workload code: PAU})], oldest snapshot first."""
    rules = rules or load_rules()
    lines: dict[tuple[int, datetime.date], list[rules_engine.Line]] = {}
    for chunk in _chunks(customer_ids):
        for customer_id, as_of, part, enabled, suspended, warning in (
            SnapshotLine.objects.filter(snapshot__customer_id__in=chunk)
            .order_by("snapshot__customer_id", "snapshot__as_of")
            .values_list(
                "snapshot__customer_id",
                "snapshot__as_of",
                "sku_part_number",
                "enabled",
                "suspended",
                "warning",
            )
        ):
            lines.setdefault((customer_id, as_of), []).append(
                rules_engine.Line(part, enabled, suspended, warning)
            )
    history: dict[int, list[tuple[datetime.date, dict[str, int]]]] = {}
    for (customer_id, as_of), snapshot_lines in sorted(lines.items()):
        result = rules_engine.evaluate(snapshot_lines, rules)
        history.setdefault(customer_id, []).append(
            (as_of, {code: item.pau for code, item in result.workloads.items()})
        )
    return history


def eligibility_document(customer: Customer) -> dict[str, Any] | None:
    """The eligibility of a tenant in the stable JSON shape of ``frpdesk eligibility --json``."""
    result = Eligibility.objects.filter(customer=customer).first()
    if result is None:
        return None
    codes = list(Workload.objects.order_by("sort_order", "code").values_list("code", flat=True))
    empty = {"eligible": False, "eligible_seats": 0, "pau": 0, "migration": None}
    return {
        "tenant_id": str(customer.tenant_id),
        "as_of": result.as_of.isoformat(),
        "eligible": result.eligible,
        "eligible_seats": result.eligible_seats,
        "workloads": {
            code: {key: result.workloads.get(code, empty)[key] for key in empty} for code in codes
        },
        "unknown_skus": list(result.unknown_skus),
        "reasons": list(result.reasons),
    }
