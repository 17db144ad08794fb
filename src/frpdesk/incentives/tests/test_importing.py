"""Statement files: the formats accepted, matching to claims, idempotency, clear errors."""

from decimal import Decimal

import pytest

from frpdesk.claims.models import Claim
from frpdesk.core.imports import ImportFailure
from frpdesk.customers.tests.factories import CustomerFactory
from frpdesk.incentives.importing import import_statement
from frpdesk.incentives.models import MatchStatus, Statement, StatementLine

UNKNOWN = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"


def statement(
    *rows: str, header: str = "Statement date,Tenant ID,Workload,Milestone,Amount"
) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode()


def run(content: bytes, name: str = "statement.csv"):  # type: ignore[no-untyped-def]
    return import_statement(acting_user=None, file_name=name, content=content)


@pytest.mark.django_db
def test_lines_are_matched_to_our_approved_claims(claim: Claim) -> None:
    other = CustomerFactory(name="Litware Retail")
    content = statement(
        f'2026-05-31,{claim.tenant_id},Microsoft Teams,15 % AU,"$1,520.00"',
        f"2026-05-31,{{{str(claim.tenant_id).upper()}}},teams,40%,10",
        f"2026-05-31,{claim.tenant_id},Microsoft Intune,15,200",
        f"2026-05-31,{other.tenant_id},Exchange Online,15,300.5",
        f"2026-05-31,{UNKNOWN},Exchange Online,15,400",
    )

    outcome = run(content)

    assert outcome.created
    assert outcome.summary() == (
        "5 lines: 2 matched to our claims, 2 without an approved claim of ours, 1 of unknown "
        "tenants"
    )
    lines = list(outcome.statement.lines.order_by("row"))
    assert [line.match_status for line in lines] == [
        MatchStatus.MATCHED,
        MatchStatus.MATCHED,
        MatchStatus.NO_CLAIM,  # no claim of ours on Intune
        MatchStatus.NO_CLAIM,
        MatchStatus.UNKNOWN_TENANT,
    ]
    assert [line.claim for line in lines] == [claim, claim, None, None, None]
    assert [line.customer for line in lines[3:]] == [other, None]
    assert [line.amount for line in lines] == [
        Decimal("1520.00"),
        Decimal("10.00"),
        Decimal("200.00"),
        Decimal("300.50"),
        Decimal("400.00"),
    ]
    assert [line.milestone_pct for line in lines] == [15, 40, 15, 15, 15]
    assert [line.row for line in lines] == [2, 3, 4, 5, 6]


@pytest.mark.django_db
@pytest.mark.parametrize("separator", [";", "\t"])
def test_other_separators_us_dates_and_other_titles(claim: Claim, separator: str) -> None:
    header = separator.join(
        ["Payment date", "Tenant", "Workload name", "AU milestone", "Payment amount", "Currency"]
    )
    row = separator.join(["3/31/2026", claim.customer.name, "Teams", "AU 15%", "$1,234.50", "usd"])

    outcome = run(statement(row, header=header))

    line = outcome.statement.lines.get()
    assert (line.statement_date.isoformat(), line.tenant_id, line.amount, line.currency) == (
        "2026-03-31",
        claim.tenant_id,
        Decimal("1234.50"),
        "USD",
    )
    assert line.match_status == MatchStatus.MATCHED


@pytest.mark.django_db
def test_the_same_file_twice_changes_nothing(claim: Claim) -> None:
    content = statement(f"2026-05-31,{claim.tenant_id},Teams,15,1520")
    first = run(content)

    again = run(content, name="renamed.csv")

    assert not again.created
    assert again.statement == first.statement
    assert again.summary().startswith("already imported on ")
    assert again.summary().endswith("as “statement.csv”; nothing changed")
    assert (Statement.objects.count(), StatementLine.objects.count()) == (1, 1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            ("2026-05-31,{tenant},Teams,15,100", "2026-13-01,{tenant},Teams,15,100"),
            "statement.csv, row 3, column Statement date: “2026-13-01” is not a real date",
        ),
        (
            ("31.05.2026,{tenant},Teams,15,100",),
            "statement.csv, row 2, column Statement date: “31.05.2026” is not a date; use "
            "YYYY-MM-DD or Partner Center's M/D/YYYY",
        ),
        (
            ("2026-05-31,not-a-guid,Teams,15,100",),
            "statement.csv, row 2, column Tenant ID: “not-a-guid” is neither a tenant ID (GUID) "
            "nor the name or domain of one of our customers",
        ),
        (
            ("2026-05-31,{tenant},Skype,15,100",),
            "statement.csv, row 2, column Workload: “Skype” is not a workload of the catalog",
        ),
        (
            ("2026-05-31,{tenant},Teams,25 %,100",),
            "statement.csv, row 2, column Milestone: “25 %” is not an AU milestone of the program "
            "(15 % or 40 %)",
        ),
        (
            ("2026-05-31,{tenant},Teams,15,lots",),
            "statement.csv, row 2, column Amount: “lots” is not an amount",
        ),
        (
            ("2026-05-31,{tenant},Teams,15,",),
            "statement.csv, row 2, column Amount: is empty; every statement line needs it",
        ),
    ],
)
def test_a_bad_cell_names_file_row_and_column_and_writes_nothing(
    claim: Claim, rows: tuple[str, ...], message: str
) -> None:
    content = statement(*(row.format(tenant=claim.tenant_id) for row in rows))
    with pytest.raises(ImportFailure) as failure:
        run(content)
    assert str(failure.value).startswith(message)
    assert not Statement.objects.exists()
    assert not StatementLine.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "statement.csv: is empty"),
        (
            b"Statement date,Tenant ID\r\n2026-05-31,x\r\n",
            "statement.csv, row 1: is missing the column(s) Workload, Milestone, Amount",
        ),
        (statement(), "statement.csv: has a header but no statement lines"),
        ("Statement date,Tenant ID".encode("utf-16"), "statement.csv: is not a UTF-8 CSV file"),
    ],
)
def test_a_bad_file_is_refused(content: bytes, message: str) -> None:
    with pytest.raises(ImportFailure) as failure:
        run(content)
    assert str(failure.value).startswith(message)
    assert not Statement.objects.exists()


@pytest.mark.django_db
def test_a_claim_approved_after_the_import_takes_its_lines() -> None:
    from frpdesk.claims.models import ClaimState, TransitionSource
    from frpdesk.claims.services import apply_transition
    from frpdesk.claims.tests.factories import make_claim

    claim = make_claim(state=ClaimState.UNDER_REVIEW)
    line = run(
        statement(f"2026-05-31,{claim.tenant_id},Microsoft Teams,15,100")
    ).statement.lines.get()
    assert (line.match_status, line.claim) == (MatchStatus.NO_CLAIM, None)

    apply_transition(
        acting_user=None,
        claim=claim,
        state=ClaimState.APPROVED,
        on=claim.state_since,
        reason="",
        source=TransitionSource.IMPORT,
    )

    line.refresh_from_db()
    assert (line.match_status, line.claim) == (MatchStatus.MATCHED, claim)
