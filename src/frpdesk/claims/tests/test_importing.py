import datetime

import pytest

from frpdesk.adoption.models import PartnerAssociation
from frpdesk.claims.importing import import_claim_status
from frpdesk.claims.models import Claim, ClaimState, ClaimTransition, ExternalClaim
from frpdesk.claims.tests.factories import make_claim
from frpdesk.core.imports import ImportFailure

MONDAY = datetime.date(2026, 3, 2)
TODAY = datetime.date(2026, 3, 31)


def run(text: str, name: str = "status.csv") -> object:
    return import_claim_status(acting_user=None, file_name=name, content=text.encode(), today=TODAY)


@pytest.fixture
def submitted(db: None) -> Claim:
    claim = make_claim(workloads=("teams", "exchange"), state=ClaimState.SUBMITTED, on=MONDAY)
    claim.partner_center_reference = "PC-778812"
    claim.save()
    return claim


def test_history_file_walks_the_claim_to_approval_and_twice_changes_nothing(
    submitted: Claim,
) -> None:
    text = (
        "Claim reference,Status,Date,Reason\n"
        f"CLM-{submitted.pk},Approved,3/20/2026,\n"
        "PC-778812,Under review,2026-03-04,\n"
        f"clm-{submitted.pk},Submitted,2026-03-02,\n"
    )
    counts = run(text)
    assert (counts.changed, counts.unchanged) == (2, 1)  # type: ignore[attr-defined]
    submitted.refresh_from_db()
    assert submitted.state == ClaimState.APPROVED
    assert submitted.approved_on == datetime.date(2026, 3, 20)
    assert (
        PartnerAssociation.objects.filter(
            customer=submitted.customer, associated_on=datetime.date(2026, 3, 20)
        ).count()
        == 2
    )
    transitions = ClaimTransition.objects.count()
    again = run(text)
    assert again.changed == 0  # type: ignore[attr-defined]
    assert ClaimTransition.objects.count() == transitions


def test_semicolons_and_titles_in_any_case(submitted: Claim) -> None:
    text = "\ufeffCLAIM ID;Claim status;Status date;Status reason\nPC-778812;In review;3/3/2026;\n"
    run(text)
    submitted.refresh_from_db()
    assert submitted.state == ClaimState.UNDER_REVIEW


def test_claimed_by_another_partner_rejects_and_records_conflicts(submitted: Claim) -> None:
    run(
        "Claim reference,Status,Date,Reason\n"
        "PC-778812,Under review,2026-03-03,\n"
        "PC-778812,Claimed by another partner,2026-03-05,\n"
    )
    submitted.refresh_from_db()
    assert submitted.state == ClaimState.REJECTED
    assert ExternalClaim.objects.filter(customer=submitted.customer).count() == 2


def test_illegal_transition_is_a_row_error_and_nothing_is_written(submitted: Claim) -> None:
    other = make_claim(state=ClaimState.SUBMITTED, on=MONDAY)
    text = (
        "Claim reference,Status,Date,Reason\n"
        f"CLM-{other.pk},Under review,2026-03-03,\n"
        "PC-778812,Approved,2026-03-05,\n"
    )
    with pytest.raises(ImportFailure) as failure:
        run(text)
    assert str(failure.value).startswith("status.csv, row 3, column Status: ")
    assert "cannot go from Submitted to Approved" in str(failure.value)
    other.refresh_from_db()
    assert other.state == ClaimState.SUBMITTED


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("Status,Date\nApproved,2026-03-05\n", "row 1: is missing the column(s) Claim reference"),
        (
            "Claim reference,Status,Date\nCLM-999999,Approved,2026-03-05\n",
            "row 2, column Claim reference",
        ),
        ("Claim reference,Status,Date\nPC-778812,Lost,2026-03-05\n", "row 2, column Status"),
        ("Claim reference,Status,Date\nPC-778812,Under review,2026-02-30\n", "row 2, column Date"),
        ("Claim reference,Status,Date\nPC-778812,Under review,tomorrow\n", "row 2, column Date"),
        ("Claim reference,Status,Date\nPC-778812,Under review,2026-04-30\n", "row 2, column Date"),
        (
            "Claim reference,Status,Date\n,Under review,2026-03-05\n",
            "row 2, column Claim reference",
        ),
        ("Claim reference,Status,Date\n", "has a header but no status rows"),
        ("", "is empty"),
    ],
)
def test_bad_files_name_file_row_and_column(submitted: Claim, text: str, where: str) -> None:
    with pytest.raises(ImportFailure) as failure:
        run(text)
    assert str(failure.value).startswith("status.csv")
    assert where in str(failure.value)


def test_rejection_without_reason_is_a_reason_error(submitted: Claim) -> None:
    with pytest.raises(ImportFailure, match="row 3, column Reason"):
        run(
            "Claim reference,Status,Date,Reason\n"
            "PC-778812,Under review,2026-03-03,\n"
            "PC-778812,Rejected,2026-03-05,\n"
        )


def test_not_utf8(submitted: Claim) -> None:
    with pytest.raises(ImportFailure, match="UTF-8"):
        import_claim_status(acting_user=None, file_name="x.csv", content=b"\xff\xfe\x00a")
