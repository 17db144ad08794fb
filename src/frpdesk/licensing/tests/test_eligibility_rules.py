"""The eligibility rules of DESIGN.md §2: examples for every rule, then their invariants.

The examples use a small hand-built catalog so that each one shows a single rule; the property
tests generate catalogs, thresholds and licence mixes; one test runs the shipped catalog on the
sample ``subscribedSkus.json``.
"""

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from frpdesk.licensing.eligibility import (
    FASTTRACK_MIGRATION,
    GUIDANCE_ONLY,
    CatalogSku,
    Line,
    Result,
    Rules,
    evaluate,
    is_paid_sku,
)

SAMPLE = Path("/work/shared/samples/subscribedSkus.json")

CODES = ("exchange", "sharepoint", "onedrive", "teams", "intune", "copilot")
MIGRATION_CODES = frozenset({"exchange", "sharepoint", "onedrive"})
SUITE = frozenset({"exchange", "sharepoint", "onedrive", "teams", "intune"})


def catalog_sku(
    string_id: str,
    workloads: frozenset[str] | set[str] = frozenset(),
    *,
    eligible: bool = True,
    paid: bool = True,
) -> CatalogSku:
    return CatalogSku(string_id, f"Product {string_id}", frozenset(workloads), eligible, paid)


SKUS = [
    catalog_sku("SPE_E3", SUITE),
    catalog_sku("EXCHANGESTANDARD", {"exchange"}),
    catalog_sku("INTUNE_A", {"intune"}),
    catalog_sku("AAD_PREMIUM"),  # eligible, but carries no workload of this catalog
    catalog_sku("TEAMS_ADDON", {"teams"}, eligible=False),  # paid, not an eligible plan
    catalog_sku("COPILOT_ADDON", {"copilot"}, eligible=False),
    catalog_sku("FLOW_FREE", {"exchange"}, eligible=False, paid=False),
    catalog_sku("FREE_BUT_LISTED", SUITE, eligible=True, paid=False),
]


def make_rules(**thresholds: int) -> Rules:
    return Rules(
        skus={sku.string_id.upper(): sku for sku in SKUS},
        workload_codes=CODES,
        migration_workloads=MIGRATION_CODES,
        **thresholds,
    )


RULES = make_rules()


def run(*lines: Line, rules: Rules = RULES) -> Result:
    return evaluate(list(lines), rules)


def e3(enabled: int, **held_back: int) -> Line:
    return Line("SPE_E3", enabled, **held_back)


# --- the tenant threshold --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seats", "eligible"), [(0, False), (149, False), (150, True), (151, True)]
)
def test_tenant_threshold_edge(seats: int, eligible: bool) -> None:
    result = run(e3(seats))
    assert result.eligible is eligible
    assert result.eligible_seats == seats
    assert result.reasons[0] == (
        f"Tenant eligible: {seats} seats on eligible plans ≥ 150."
        if eligible
        else f"Tenant not eligible: {seats} seats on eligible plans < 150."
    )


def test_seats_of_every_eligible_plan_add_up_even_without_workloads() -> None:
    result = run(e3(100), Line("EXCHANGESTANDARD", 30), Line("AAD_PREMIUM", 20))
    assert (result.eligible, result.eligible_seats) == (True, 150)
    assert result.workloads["exchange"].eligible_seats == 130
    assert result.workloads["teams"].eligible_seats == 100


def test_thresholds_come_from_the_rules() -> None:
    lowered = make_rules(tenant_min_seats=10, workload_min_seats=10, fasttrack_migration_seats=20)
    result = run(e3(10), rules=lowered)
    assert result.eligible
    assert result.workloads["exchange"].migration == GUIDANCE_ONLY
    assert run(e3(20), rules=lowered).workloads["exchange"].migration == FASTTRACK_MIGRATION


# --- workloads -------------------------------------------------------------------------------


def test_workload_threshold_is_separate_from_the_tenant_threshold() -> None:
    # The tenant counts 100 + 60 = 160; Exchange only carries 100 + 60 = 160, Teams 100.
    result = run(e3(100), Line("EXCHANGESTANDARD", 60))
    assert result.eligible
    assert result.workloads["exchange"].eligible
    assert result.workloads["exchange"].eligible_seats == 160
    assert not result.workloads["teams"].eligible
    assert result.workloads["teams"].eligible_seats == 100
    assert result.eligible_workloads == ["exchange"]


def test_workload_edge_149_150_once_the_tenant_is_eligible() -> None:
    short = run(e3(149), Line("AAD_PREMIUM", 100))
    enough = run(e3(150), Line("AAD_PREMIUM", 100))
    assert short.eligible
    assert enough.eligible
    assert not short.workloads["teams"].eligible
    assert enough.workloads["teams"].eligible


def test_a_higher_workload_threshold_leaves_the_tenant_eligible() -> None:
    result = run(e3(180), rules=make_rules(workload_min_seats=200))
    assert result.eligible
    assert result.eligible_workloads == []
    assert result.workloads["exchange"].eligible_seats == 180


def test_a_workload_needs_an_eligible_tenant_even_under_a_lower_workload_threshold() -> None:
    result = run(e3(120), rules=make_rules(workload_min_seats=100))
    assert not result.eligible
    assert result.eligible_workloads == []
    assert result.workloads["exchange"].eligible_seats == 120


def test_every_catalog_workload_is_reported_in_catalog_order() -> None:
    result = run()
    assert tuple(result.workloads) == CODES
    assert all(
        (item.eligible, item.eligible_seats, item.pau, item.migration) == (False, 0, 0, None)
        for item in result.workloads.values()
    )
    assert result.reasons == ["Tenant not eligible: 0 seats on eligible plans < 150."]


# --- paid available units --------------------------------------------------------------------


def test_paid_units_of_non_eligible_plans_count_for_pau_not_eligibility() -> None:
    result = run(e3(10), Line("TEAMS_ADDON", 500))
    assert (result.eligible, result.eligible_seats) == (False, 10)
    teams = result.workloads["teams"]
    assert (teams.eligible, teams.eligible_seats, teams.pau) == (False, 10, 510)
    assert result.workloads["exchange"].pau == 10
    assert (
        "TEAMS_ADDON (Product TEAMS_ADDON): not an eligible plan; 500 units count only for PAU; carries teams."
        in result.reasons
    )


def test_pau_of_non_eligible_plans_even_when_the_workload_is_eligible() -> None:
    result = run(e3(200), Line("COPILOT_ADDON", 40))
    copilot = result.workloads["copilot"]
    assert (copilot.eligible, copilot.eligible_seats, copilot.pau) == (False, 0, 40)
    assert result.workloads["teams"].pau == 200


@pytest.mark.parametrize(
    ("line", "note"),
    [
        (e3(100, suspended=100), "(100 suspended: not paid-available)"),
        (e3(100, warning=100), "(100 in warning: not paid-available)"),
        (e3(100, suspended=30, warning=70), "(30 suspended and 70 in warning: not paid-available)"),
    ],
)
def test_suspended_and_warning_units_do_not_count(line: Line, note: str) -> None:
    result = run(line)
    assert (result.eligible, result.eligible_seats) == (False, 100)
    assert result.workloads["exchange"].pau == 100
    assert any(reason.startswith("SPE_E3") and note in reason for reason in result.reasons)


def test_a_subscription_with_only_warning_units_counts_for_nothing() -> None:
    result = run(e3(0, warning=400), Line("EXCHANGESTANDARD", 149))
    assert (result.eligible, result.eligible_seats) == (False, 149)
    assert result.workloads["teams"].pau == 0
    assert (
        "SPE_E3 (Product SPE_E3): 0 paid available units (400 in warning: not paid-available); "
        "counts for nothing." in result.reasons
    )


def test_negative_enabled_units_count_as_zero() -> None:
    result = run(e3(-5), Line("EXCHANGESTANDARD", 150))
    assert result.eligible_seats == 150
    assert result.workloads["teams"].pau == 0


# --- unknown and free SKUs -------------------------------------------------------------------


def test_unknown_skus_are_flagged_and_count_for_nothing() -> None:
    result = run(e3(149), Line("CONTOSO_SPECIAL", 10_000))
    assert result.unknown_skus == ["CONTOSO_SPECIAL"]
    assert (result.eligible, result.eligible_seats) == (False, 149)
    assert (
        "CONTOSO_SPECIAL: unknown SKU (not in the SKU catalog); counts for nothing until the "
        "catalog knows it." in result.reasons
    )


def test_sku_lookup_ignores_case_and_surrounding_space() -> None:
    result = run(Line(" spe_e3 ", 150))
    assert result.unknown_skus == []
    assert result.eligible


def test_free_skus_are_excluded_even_when_listed_as_eligible() -> None:
    result = run(Line("FLOW_FREE", 10_000), Line("FREE_BUT_LISTED", 10_000), e3(5))
    assert (result.eligible, result.eligible_seats) == (False, 5)
    assert result.workloads["exchange"].pau == 5
    assert (
        "FLOW_FREE (Product FLOW_FREE): excluded, not a paid SKU (free, trial or developer)."
        in result.reasons
    )


@pytest.mark.parametrize(
    ("string_id", "name", "paid"),
    [
        ("FLOW_FREE", "Microsoft Power Automate Free", False),
        ("TEAMS_COMMERCIAL_TRIAL", "Microsoft Teams Commercial Cloud", False),
        (
            "DEVELOPERPACK_E5",
            "Microsoft 365 E5 Developer (without Windows and Audio Conferencing)",
            False,
        ),
        ("SPE_E3", "Microsoft 365 E3", True),
    ],
)
def test_non_paid_markers(string_id: str, name: str, paid: bool) -> None:
    assert is_paid_sku(string_id, name, ["free", "TRIAL", "Developer"]) is paid


# --- data migration --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seats", "migration"),
    [
        (149, None),
        (150, GUIDANCE_ONLY),
        (499, GUIDANCE_ONLY),
        (500, FASTTRACK_MIGRATION),
        (5000, FASTTRACK_MIGRATION),
    ],
)
def test_migration_tiers(seats: int, migration: str | None) -> None:
    result = run(e3(seats))
    for code in MIGRATION_CODES:
        assert result.workloads[code].migration == migration
        assert result.workloads[code].eligible is (migration is not None)


def test_migration_is_null_for_other_workloads_even_when_eligible() -> None:
    result = run(e3(600))
    assert result.workloads["teams"].eligible
    assert result.workloads["teams"].migration is None
    assert result.workloads["intune"].migration is None


def test_migration_is_null_for_a_non_eligible_migration_workload_of_an_eligible_tenant() -> None:
    result = run(Line("EXCHANGESTANDARD", 100), Line("INTUNE_A", 600))
    assert result.eligible
    assert result.workloads["exchange"].eligible_seats == 100
    assert result.workloads["exchange"].migration is None
    assert result.workloads["sharepoint"].migration is None


def test_migration_tier_uses_the_workloads_seats_not_the_tenants() -> None:
    result = run(e3(200), Line("EXCHANGESTANDARD", 300), Line("INTUNE_A", 1000))
    assert result.workloads["exchange"].migration == FASTTRACK_MIGRATION  # 500 seats
    assert result.workloads["sharepoint"].migration == GUIDANCE_ONLY  # 200 seats


def test_as_dict_is_the_documents_shape() -> None:
    assert run(e3(150)).workloads["exchange"].as_dict() == {
        "eligible": True,
        "eligible_seats": 150,
        "pau": 150,
        "migration": GUIDANCE_ONLY,
    }


# --- invariants (hypothesis) -----------------------------------------------------------------

POOL = tuple(f"SKU_{number}" for number in range(8))
UNKNOWN_POOL = ("UNKNOWN_A", "UNKNOWN_B")

units = st.integers(min_value=0, max_value=700)


@st.composite
def rules_strategy(draw: st.DrawFn) -> Rules:
    skus = {
        string_id: CatalogSku(
            string_id,
            f"Product {string_id}",
            frozenset(draw(st.sets(st.sampled_from(CODES)))),
            draw(st.booleans()),
            draw(st.booleans()),
        )
        for string_id in POOL
    }
    tenant_min = draw(st.sampled_from([1, 50, 149, 150, 151, 300]))
    workload_min = draw(st.sampled_from([1, 50, 149, 150, 151, 300]))
    return Rules(
        skus=skus,
        workload_codes=CODES,
        migration_workloads=MIGRATION_CODES,
        tenant_min_seats=tenant_min,
        workload_min_seats=workload_min,
        fasttrack_migration_seats=draw(st.sampled_from([workload_min, 499, 500, 501])),
    )


@st.composite
def line_strategy(draw: st.DrawFn, part_numbers: tuple[str, ...]) -> list[Line]:
    chosen = draw(st.lists(st.sampled_from(part_numbers), unique=True, max_size=len(part_numbers)))
    return [Line(part, draw(units), draw(units), draw(units)) for part in chosen]


lines_strategy = line_strategy(POOL + UNKNOWN_POOL)
PROPERTY_SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def eligibility_view(result: Result) -> tuple[object, ...]:
    """Everything of a result that eligibility means (not PAU, reasons or unknown SKUs)."""
    return (
        result.eligible,
        result.eligible_seats,
        {
            code: (item.eligible, item.eligible_seats, item.migration)
            for code, item in result.workloads.items()
        },
    )


def counts_for_nothing(rules: Rules, part_number: str) -> bool:
    sku = rules.sku(part_number)
    return sku is None or not sku.paid


def counts_for_eligibility(rules: Rules, part_number: str) -> bool:
    sku = rules.sku(part_number)
    return sku is not None and sku.paid and sku.eligible_plan


@PROPERTY_SETTINGS
@given(rules=rules_strategy(), lines=lines_strategy, data=st.data())
def test_adding_a_sku_that_is_not_an_eligible_paid_plan_never_changes_eligibility(
    rules: Rules, lines: list[Line], data: st.DataObject
) -> None:
    present = {line.part_number for line in lines}
    candidates = [
        part
        for part in POOL + UNKNOWN_POOL
        if part not in present and not counts_for_eligibility(rules, part)
    ]
    assume(candidates)
    extra = Line(data.draw(st.sampled_from(candidates)), data.draw(units), data.draw(units))
    before, after = evaluate(lines, rules), evaluate([*lines, extra], rules)

    assert eligibility_view(after) == eligibility_view(before)
    if counts_for_nothing(rules, extra.part_number):  # unknown or not paid: not even PAU
        assert {c: w.pau for c, w in after.workloads.items()} == {
            c: w.pau for c, w in before.workloads.items()
        }
    if rules.sku(extra.part_number) is None:
        assert after.unknown_skus == sorted([*before.unknown_skus, extra.part_number])


@PROPERTY_SETTINGS
@given(rules=rules_strategy(), lines=lines_strategy)
def test_result_invariants(rules: Rules, lines: list[Line]) -> None:
    result = evaluate(lines, rules)

    expected_seats = sum(
        max(line.enabled, 0) for line in lines if counts_for_eligibility(rules, line.part_number)
    )
    assert result.eligible_seats == expected_seats
    assert result.eligible is (result.eligible_seats >= rules.tenant_min_seats)
    assert tuple(result.workloads) == rules.workload_codes
    assert result.unknown_skus == sorted(
        line.part_number for line in lines if rules.sku(line.part_number) is None
    )
    assert len(result.reasons) == len(lines) + 1  # the tenant, then every SKU
    for code, workload in result.workloads.items():
        if workload.eligible:
            assert result.eligible, "workload eligible implies tenant eligible"
        assert workload.eligible_seats <= result.eligible_seats
        assert workload.pau >= workload.eligible_seats
        assert workload.eligible is (
            result.eligible and workload.eligible_seats >= rules.workload_min_seats
        )
        assert (workload.migration is not None) is (
            workload.eligible and code in rules.migration_workloads
        )
        if workload.migration is not None:
            assert workload.migration == (
                FASTTRACK_MIGRATION
                if workload.eligible_seats >= rules.fasttrack_migration_seats
                else GUIDANCE_ONLY
            )


@PROPERTY_SETTINGS
@given(rules=rules_strategy(), lines=lines_strategy, data=st.data())
def test_more_enabled_units_never_lose_eligibility(
    rules: Rules, lines: list[Line], data: st.DataObject
) -> None:
    assume(lines)
    index = data.draw(st.integers(min_value=0, max_value=len(lines) - 1))
    raised = list(lines)
    raised[index] = replace(lines[index], enabled=lines[index].enabled + data.draw(units))
    before, after = evaluate(lines, rules), evaluate(raised, rules)

    assert after.eligible_seats >= before.eligible_seats
    assert after.eligible or not before.eligible
    for code, workload in before.workloads.items():
        assert after.workloads[code].eligible_seats >= workload.eligible_seats
        assert after.workloads[code].pau >= workload.pau
        assert after.workloads[code].eligible or not workload.eligible
        if workload.migration == FASTTRACK_MIGRATION:
            assert after.workloads[code].migration == FASTTRACK_MIGRATION


@PROPERTY_SETTINGS
@given(rules=rules_strategy(), lines=lines_strategy, data=st.data())
def test_the_order_of_the_lines_does_not_matter(
    rules: Rules, lines: list[Line], data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(lines))
    assert evaluate(shuffled, rules) == evaluate(lines, rules)


# --- the shipped catalog on the sample file --------------------------------------------------


@pytest.mark.django_db
def test_shipped_catalog_on_the_sample_subscribed_skus() -> None:
    from frpdesk.catalog.models import EligiblePlan, Workload
    from frpdesk.licensing.services import load_rules, parse_license_file

    rules = load_rules()
    parsed = parse_license_file(SAMPLE.name, SAMPLE.read_bytes())
    result = evaluate(
        [
            Line(line.part_number, line.enabled, line.suspended, line.warning)
            for line in parsed.lines
        ],
        rules,
    )

    # 20 SPE_E3 + 5 SPE_E5 + 10 SPE_F1 + 5 STANDARDPACK + 5 EMSPREMIUM + 5 Copilot.
    assert (result.eligible, result.eligible_seats) == (False, 50)
    assert result.unknown_skus == []
    assert list(result.workloads) == list(
        Workload.objects.order_by("sort_order").values_list("code", flat=True)
    )
    assert result.eligible_workloads == []
    assert all(item.migration is None for item in result.workloads.values())
    assert result.workloads["exchange"].pau == 40  # E3, E5, F3 and E1
    assert result.workloads["copilot"].eligible_seats == 5
    assert result.workloads["defender_office"].pau == 5  # only E5

    flow = rules.sku("FLOW_FREE")
    assert flow is not None
    assert not flow.paid
    assert any(
        reason.startswith("FLOW_FREE") and "not a paid SKU" in reason for reason in result.reasons
    )
    assert any(
        reason.startswith("ENTERPRISEPACK") and "0 paid available units (10 in warning" in reason
        for reason in result.reasons
    )
    e3_sku = rules.sku("SPE_E3")
    assert e3_sku is not None
    assert e3_sku.eligible_plan
    assert e3_sku.paid
    assert {
        "exchange",
        "sharepoint",
        "onedrive",
        "teams",
        "m365_apps",
        "intune",
    } <= e3_sku.workloads
    assert "copilot" not in e3_sku.workloads

    # Every eligible plan of the catalog is a paid SKU the SKU catalog knows.
    for string_id in EligiblePlan.objects.values_list("string_id", flat=True):
        sku = rules.sku(string_id)
        assert sku is not None, string_id
        assert sku.paid, string_id
