"""The eligibility rules of DESIGN.md §2, as a pure function of a snapshot's lines and the catalog.

- PAU of a SKU = its enabled prepaid units (suspended and warning units are not paid-available).
- tenant eligible ⇔ Σ PAU over eligible plans ≥ tenant threshold (150);
- workload W eligible ⇔ tenant eligible and Σ PAU over eligible plans carrying W ≥ 150;
- PAU of W = Σ PAU over all paid SKUs carrying W (for AU%);
- data migration for exchange/onedrive/sharepoint when W is eligible: 150–499 seats → guidance
  only, ≥ 500 → Microsoft's FastTrack migration service;
- unknown SKUs count for nothing and are reported; every SKU gets a reason.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

GUIDANCE_ONLY = "guidance_only"
FASTTRACK_MIGRATION = "fasttrack_migration"


@dataclass(frozen=True)
class CatalogSku:
    """What the catalog knows of one SKU (by String_Id)."""

    string_id: str
    product_name: str
    workloads: frozenset[str]  # codes of the workloads it carries
    eligible_plan: bool
    paid: bool


@dataclass(frozen=True)
class Rules:
    skus: Mapping[str, CatalogSku]  # by String_Id, upper-cased
    workload_codes: tuple[str, ...]
    migration_workloads: frozenset[str]
    tenant_min_seats: int = 150
    workload_min_seats: int = 150
    fasttrack_migration_seats: int = 500

    def sku(self, part_number: str) -> CatalogSku | None:
        return self.skus.get(part_number.strip().upper())


@dataclass(frozen=True)
class Line:
    """One SKU of a tenant's licences."""

    part_number: str
    enabled: int
    suspended: int = 0
    warning: int = 0


@dataclass(frozen=True)
class WorkloadResult:
    eligible: bool
    eligible_seats: int
    pau: int
    migration: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "eligible": self.eligible,
            "eligible_seats": self.eligible_seats,
            "pau": self.pau,
            "migration": self.migration,
        }


@dataclass(frozen=True)
class Result:
    eligible: bool
    eligible_seats: int
    workloads: dict[str, WorkloadResult]
    unknown_skus: list[str]
    reasons: list[str] = field(default_factory=list)

    @property
    def eligible_workloads(self) -> list[str]:
        return [code for code, result in self.workloads.items() if result.eligible]


def evaluate(lines: Iterable[Line], rules: Rules) -> Result:
    reasons: list[str] = []
    unknown: list[str] = []
    eligible_seats = 0
    workload_eligible_seats = dict.fromkeys(rules.workload_codes, 0)
    workload_pau = dict.fromkeys(rules.workload_codes, 0)

    for line in sorted(lines, key=lambda item: item.part_number):
        sku = rules.sku(line.part_number)
        pau = max(line.enabled, 0)
        not_paid = _not_paid_available(line)
        if sku is None:
            unknown.append(line.part_number)
            reasons.append(
                f"{line.part_number}: unknown SKU (not in the SKU catalog); counts for nothing "
                "until the catalog knows it."
            )
            continue
        carried = sorted(sku.workloads & set(rules.workload_codes))
        carries = f"carries {', '.join(carried)}" if carried else "carries no Benefit workload"
        if not sku.paid:
            reasons.append(
                f"{sku.string_id} ({sku.product_name}): excluded, not a paid SKU (free, trial or developer)."
            )
            continue
        if pau == 0:
            reasons.append(
                f"{sku.string_id} ({sku.product_name}): 0 paid available units{not_paid}; counts for nothing."
            )
            continue
        for code in carried:
            workload_pau[code] += pau
        if sku.eligible_plan:
            eligible_seats += pau
            for code in carried:
                workload_eligible_seats[code] += pau
            reasons.append(
                f"{sku.string_id} ({sku.product_name}): {pau} paid units count towards eligibility{not_paid}; {carries}."
            )
        else:
            reasons.append(
                f"{sku.string_id} ({sku.product_name}): not an eligible plan; {pau} units count "
                f"only for PAU{not_paid}; {carries}."
            )

    tenant_eligible = eligible_seats >= rules.tenant_min_seats
    comparison = "≥" if tenant_eligible else "<"
    reasons.insert(
        0,
        f"Tenant {'eligible' if tenant_eligible else 'not eligible'}: {eligible_seats} seats on "
        f"eligible plans {comparison} {rules.tenant_min_seats}.",
    )
    workloads = {
        code: _workload(
            code, tenant_eligible, workload_eligible_seats[code], workload_pau[code], rules
        )
        for code in rules.workload_codes
    }
    return Result(tenant_eligible, eligible_seats, workloads, unknown, reasons)


def _workload(
    code: str, tenant_eligible: bool, seats: int, pau: int, rules: Rules
) -> WorkloadResult:
    eligible = tenant_eligible and seats >= rules.workload_min_seats
    migration = None
    if eligible and code in rules.migration_workloads:
        migration = (
            FASTTRACK_MIGRATION if seats >= rules.fasttrack_migration_seats else GUIDANCE_ONLY
        )
    return WorkloadResult(eligible, seats, pau, migration)


def _not_paid_available(line: Line) -> str:
    held_back = [
        f"{count} {kind}"
        for kind, count in (("suspended", line.suspended), ("in warning", line.warning))
        if count
    ]
    return f" ({' and '.join(held_back)}: not paid-available)" if held_back else ""


def is_paid_sku(string_id: str, product_name: str, non_paid_markers: Iterable[str]) -> bool:
    """Free, trial, viral and developer SKUs are not paid, whatever units they show."""
    text = f"{string_id} {product_name}"
    return not any(re.search(re.escape(marker), text, re.IGNORECASE) for marker in non_paid_markers)
