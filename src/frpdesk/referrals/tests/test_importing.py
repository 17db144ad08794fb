"""Importing Partner Center's referrals export: the real shape (BOM, CRLF, quoting, US dates),
updates by referral ID, the same file twice changes nothing, and a bad file writes nothing and
says which row and column."""

import datetime
import uuid
from decimal import Decimal

import pytest
from auditlog.models import LogEntry

from frpdesk.core.imports import ImportFailure
from frpdesk.customers.tests.factories import CustomerFactory
from frpdesk.referrals import services
from frpdesk.referrals.importing import import_referrals
from frpdesk.referrals.models import Acceptance, Referral, ReferralKind
from frpdesk.referrals.tests.conftest import DATA
from frpdesk.referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db

SAMPLE = DATA / "partner-center-referrals.csv"
HEADER = "Referral ID,Tenant name,Tenant ID,RFA workloads,Date of assignment"
TENANT = "3f2a4c1e-9b7d-4e2a-8c5f-1a2b3c4d5e6f"


def run(content: bytes, name: str = "referrals.csv"):
    return import_referrals(acting_user=None, file_name=name, content=content)


def csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode()


def test_the_partner_center_export_is_imported() -> None:
    counts = run(SAMPLE.read_bytes(), SAMPLE.name)
    assert (counts.created, counts.updated, counts.unchanged) == (3, 0, 0)

    contoso = Referral.objects.get(referral_id="FT-2026-000101")
    assert contoso.kind == ReferralKind.BENEFIT
    assert (contoso.tenant_name, str(contoso.tenant_id), contoso.tenant_domain) == (
        "Contoso Pharma",
        TENANT,
        "contoso.example",
    )
    assert (contoso.rfa_id, contoso.source, contoso.referral_status) == (
        "RFA-55012",
        "FastTrack RFA",
        "New",
    )
    assert sorted(contoso.workloads.values_list("code", flat=True)) == ["exchange", "teams"]
    assert contoso.assigned_on == datetime.date(2026, 3, 4)  # 3/4/2026 is March 4th
    assert contoso.first_response_due == datetime.date(2026, 3, 6)
    assert contoso.acceptance_due == datetime.date(2026, 3, 11)
    assert contoso.acceptance == Acceptance.PENDING
    assert (contoso.vas_sold, contoso.services_estimated_value) == (False, Decimal("12500.00"))

    fabrikam = Referral.objects.get(referral_id="FT-2026-000102")
    assert fabrikam.kind == ReferralKind.STANDARD
    assert str(fabrikam.tenant_id) == "b7e3c5a1-4f2d-4e8b-9a6c-0d1e2f3a4b5c"
    assert fabrikam.tenant_domain == "fabrikam.example"
    assert sorted(fabrikam.workloads.values_list("code", flat=True)) == ["onedrive", "sharepoint"]
    assert (fabrikam.acceptance, fabrikam.vas_sold) == (Acceptance.ACCEPTED, True)

    tailspin = Referral.objects.get(referral_id="FT-2026-000103")
    assert tailspin.tenant_name == "Tailspin Toys, Inc."
    assert tailspin.tenant_id is None
    assert list(tailspin.workloads.values_list("code", flat=True)) == ["viva_engage"]
    assert (tailspin.acceptance, tailspin.decline_reason) == (
        Acceptance.DECLINED,
        "Outside the countries we serve",
    )
    assert tailspin.services_estimated_value is None


def test_the_same_file_twice_changes_nothing() -> None:
    run(SAMPLE.read_bytes())
    logged = LogEntry.objects.count()
    counts = run(SAMPLE.read_bytes())
    assert (counts.created, counts.updated, counts.unchanged) == (0, 0, 3)
    assert Referral.objects.count() == 3
    assert LogEntry.objects.count() == logged


def test_re_importing_updates_by_referral_id_and_never_duplicates() -> None:
    run(csv(f"FT-1,Contoso,{TENANT},Exchange Online,2026-03-04"))
    counts = run(
        csv(
            f"FT-1,Contoso Pharma,{TENANT},Exchange Online;Intune,2026-03-05",
            "FT-2,Fabrikam,,teams,2026-03-05",
        )
    )
    assert (counts.created, counts.updated, counts.unchanged) == (1, 1, 0)
    referral = Referral.objects.get(referral_id="FT-1")
    assert referral.tenant_name == "Contoso Pharma"
    assert sorted(referral.workloads.values_list("code", flat=True)) == ["exchange", "intune"]
    assert referral.first_response_due == datetime.date(2026, 3, 9)  # follows the new date
    assert Referral.objects.count() == 2


def test_a_decision_taken_here_is_not_undone_by_an_older_export() -> None:
    run(csv(f"FT-1,Contoso,{TENANT},exchange,2026-03-04"))
    services.decline_referral(
        acting_user=None, referral=Referral.objects.get(), reason="Outside our region"
    )
    counts = run(csv(f"FT-1,Contoso,{TENANT},exchange,2026-03-04"))
    assert counts.unchanged == 1
    referral = Referral.objects.get()
    assert (referral.acceptance, referral.decline_reason) == (
        Acceptance.DECLINED,
        "Outside our region",
    )


def test_the_referral_links_the_customer_of_its_tenant() -> None:
    customer = CustomerFactory(tenant_id=uuid.UUID(TENANT))
    run(csv(f"FT-1,Contoso,{{{TENANT.upper()}}},exchange,2026-03-04"))
    assert Referral.objects.get().customer == customer


def test_title_variants_semicolons_and_a_time_after_the_date_are_accepted() -> None:
    content = (
        "ReferralId;Customer name;tenant-id;Workloads;Assigned date;VAS Sold;"
        "Estimated value;Type;Unrelated column\n"
        f"FT-9;Woodgrove;{TENANT};Viva Engage, Yammer, copilot;12/31/2025 11:45 PM;yes;"
        "EUR 1.5;Standard;whatever\n"
    ).encode()
    assert run(content).created == 1
    referral = Referral.objects.get()
    assert referral.assigned_on == datetime.date(2025, 12, 31)
    assert sorted(referral.workloads.values_list("code", flat=True)) == ["copilot", "viva_engage"]
    assert (referral.vas_sold, referral.services_estimated_value) == (True, Decimal("1.50"))
    assert referral.kind == ReferralKind.STANDARD


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "referrals.csv: is empty"),
        (
            b"Referral ID,Tenant ID\r\nFT-1,x\r\n",
            "referrals.csv, row 1: is missing the column(s) Tenant name, Date of assignment; "
            "is this Partner Center's referrals export?",
        ),
        (csv(), "referrals.csv: has a header but no referral rows"),
        (
            csv("FT-1,Contoso,,Exchange Online;Skype,2026-03-04"),
            "referrals.csv, row 2, column RFA workloads: “Skype” is not a workload of the "
            "catalog (use its name or code, e.g. Exchange Online or exchange)",
        ),
        (
            csv("FT-1,Contoso,,exchange,2026-03-04", "FT-2,Contoso,,exchange,31/12/2026"),
            "referrals.csv, row 3, column Date of assignment: “31/12/2026” is not a real date",
        ),
        (
            csv("FT-1,Contoso,,exchange,March 4"),
            "referrals.csv, row 2, column Date of assignment: “March 4” is not a date; use "
            "YYYY-MM-DD or Partner Center's M/D/YYYY",
        ),
        (
            csv("FT-1,Contoso,not-a-guid,exchange,2026-03-04"),
            "referrals.csv, row 2, column Tenant ID: “not-a-guid” is not a tenant ID (a GUID "
            "such as 72f988bf-86f1-41af-91ab-2d7cd011db47).",
        ),
        (
            csv("FT-1,,,exchange,2026-03-04"),
            "referrals.csv, row 2, column Tenant name: is empty; every referral needs it",
        ),
        (
            csv("FT-1,Contoso,,exchange,2026-03-04", "FT-1,Contoso,,exchange,2026-03-04"),
            "referrals.csv, row 3, column Referral ID: referral FT-1 is already on row 2 of "
            "this file",
        ),
        (
            csv(
                "FT-1,Contoso,2026-03-04,Declined,",
                header="Referral ID,Tenant name,Date of assignment,Acceptance,Decline reason",
            ),
            "referrals.csv, row 2, column Decline reason: is empty, but a declined referral "
            "needs a decline reason",
        ),
        (
            csv(
                "FT-1,Contoso,2026-03-04,Maybe",
                header="Referral ID,Tenant name,Date of assignment,Acceptance",
            ),
            "referrals.csv, row 2, column Acceptance: “Maybe” is not Pending, Accepted, "
            "Declined or Reassigned",
        ),
        (
            csv(
                "FT-1,Contoso,2026-03-04,lots",
                header="Referral ID,Tenant name,Date of assignment,Services estimated value",
            ),
            "referrals.csv, row 2, column Services estimated value: “lots” is not an amount",
        ),
        (
            csv(
                "FT-1,Contoso,2026-03-04,perhaps",
                header="Referral ID,Tenant name,Date of assignment,VAS sold",
            ),
            "referrals.csv, row 2, column VAS sold: must be yes or no, got “perhaps”",
        ),
        (
            b"\xff\xfeR\x00e\x00",
            "referrals.csv: is not a UTF-8 CSV file (Partner Center's export is)",
        ),
    ],
    ids=[
        "empty",
        "missing-columns",
        "no-rows",
        "unknown-workload",
        "impossible-date",
        "unreadable-date",
        "bad-tenant",
        "blank-name",
        "duplicate-id",
        "decline-without-reason",
        "unknown-acceptance",
        "bad-amount",
        "bad-yes-no",
        "not-utf8",
    ],
)
def test_a_bad_file_writes_nothing_and_names_row_and_column(content: bytes, message: str) -> None:
    existing = ReferralFactory(referral_id="FT-1", tenant_name="Before")
    with pytest.raises(ImportFailure) as failure:
        run(content)
    assert str(failure.value) == message
    assert list(Referral.objects.all()) == [existing]
    existing.refresh_from_db()
    assert existing.tenant_name == "Before"
