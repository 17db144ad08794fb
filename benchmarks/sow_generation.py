#!/usr/bin/env python
"""Benchmark: generate the Statement of Work of an engagement with all 13 catalog workloads.

    .venv/bin/python benchmarks/sow_generation.py                         # SQLite
    .venv/bin/python benchmarks/sow_generation.py --database-url postgres
    .venv/bin/python benchmarks/sow_generation.py --page1-png docs/screenshots/sow-page1.png

Creates a throwaway database (``migrate`` loads the catalog and the SOW template), the partner
profile, a customer with three contacts, an engagement with every catalog workload and two agreed
quotes (one signed, with its services contract), then times
``frpdesk.sow.services.generate_sow`` — build the document model from the active template, render
it, hash it and store it as the next version — ``--runs`` times per format after one warm-up
run (fonts, templates). Prints the median and the slowest run per format, the document's size and
page count. Goals: DOCX median < 0.3 s, PDF median < 2 s. With ``--page1-png``, also renders the
PDF's first page to a PNG (``pdftoppm`` from poppler-utils).
"""

from __future__ import annotations

import argparse
import datetime
import io
import shutil
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import _benchlib as bench

GOALS = {"docx": 0.3, "pdf": 2.0}


def setup_engagement() -> object:
    """The partner, a customer with contacts, an engagement of all workloads and two quotes."""
    from django.utils import timezone

    from frpdesk.accounts.models import User
    from frpdesk.catalog.models import Workload
    from frpdesk.customers.models import Customer, CustomerContact
    from frpdesk.engagements.models import WorkloadSource
    from frpdesk.engagements.services import open_engagement
    from frpdesk.partner.models import PartnerProfile
    from frpdesk.partner.services import PROFILE_PK
    from frpdesk.vas.models import Quote, QuoteLine, QuoteState, ServicesContract

    today = timezone.localdate()
    PartnerProfile.objects.create(
        pk=PROFILE_PK,
        organisation_name="Contoso Consulting",
        partner_id="4871234",
        location_partner_id="4871299",
        location_city="Seattle",
        location_country="US",
    )
    owner = User.objects.create_user(
        "consultant", email="consultant@contoso-consulting.example", first_name="Avery"
    )
    customer = Customer.objects.create(
        name="Woodgrove Bank",
        tenant_id="6d1f3c8a-2b4e-4f5a-9c7d-8e9f0a1b2c3d",
        primary_domain="woodgrovebank.example",
        country="US",
    )
    for name, title in (("Kim Akers", "CIO"), ("Ben Miller", "IT lead"), ("Ana Ruiz", "CISO")):
        CustomerContact.objects.create(
            customer=customer,
            name=name,
            title=title,
            email=f"{name.split()[0].lower()}@woodgrovebank.example",
        )
    engagement = open_engagement(
        acting_user=owner,
        customer=customer,
        origin="own_lead",
        workloads=list(Workload.objects.all()),
        owner=owner,
        source=WorkloadSource.CLAIMED,
        started_on=today - datetime.timedelta(days=20),
    )
    for number, state in (("Q-BENCH-1", QuoteState.ACCEPTED), ("Q-BENCH-2", QuoteState.SIGNED)):
        quote = Quote.objects.create(
            engagement=engagement,
            number=number,
            title="Adoption and project management",
            currency="USD",
            discount_pct=Decimal("5"),
            tax_pct=Decimal("8.5"),
            state=state,
            disclosure="(bench)",
        )
        for position, (description, days, price) in enumerate(
            (
                ("Project manager", "12", "1100.00"),
                ("Champions workshop", "2", "1400.00"),
                ("Hands-on remediation engineer", "8", "1250.00"),
            )
        ):
            QuoteLine.objects.create(
                quote=quote,
                description=description,
                quantity=Decimal(days),
                unit_price=Decimal(price),
                sort_order=position,
            )
        if state == QuoteState.SIGNED:
            ServicesContract.objects.create(
                quote=quote,
                number="C-BENCH-1",
                customer_signatory="Kim Akers",
                signed_on=today - datetime.timedelta(days=5),
                starts_on=today,
                disclosure="(bench)",
            )
    return engagement


def page_count(file_format: str, content: bytes) -> int:
    if file_format == "pdf":
        from pypdf import PdfReader

        return len(PdfReader(io.BytesIO(content)).pages)
    return 0  # Word paginates when it opens the file


def render_page1(pdf: bytes, target: Path) -> None:
    if shutil.which("pdftoppm") is None:
        raise SystemExit("--page1-png needs pdftoppm (apt-get install poppler-utils)")
    with tempfile.TemporaryDirectory() as directory:
        source = Path(directory) / "sow.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "110",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(source),
                str(Path(directory) / "page1"),
            ],
            check=True,
        )
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(Path(directory) / "page1.png", target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs per format (default 7)")
    parser.add_argument("--page1-png", type=Path, metavar="FILE", help="write the PDF's page 1")
    bench.add_database_argument(parser)
    args = parser.parse_args(argv)

    with bench.throwaway_database(args.database_url) as database:
        from frpdesk.catalog.models import Workload
        from frpdesk.sow.services import generate_sow

        engagement = setup_engagement()
        workloads = Workload.objects.count()
        print(f"[setup] {database.label}: engagement with {workloads} workloads, 2 quotes")
        failed = False
        last_pdf = b""
        for file_format in ("docx", "pdf"):
            generate_sow(acting_user=None, engagement=engagement, file_format=file_format)
            seconds = []
            for _ in range(args.runs):
                started = time.perf_counter()
                version = generate_sow(
                    acting_user=None, engagement=engagement, file_format=file_format
                )
                seconds.append(time.perf_counter() - started)
            content = bytes(version.document)
            if file_format == "pdf":
                last_pdf = content
            median = bench.median(seconds)
            goal = GOALS[file_format]
            pages = page_count(file_format, content)
            verdict = "meets" if median < goal else "MISSES"
            print(
                f"{file_format.upper():<4} median {median:.3f} s, slowest {max(seconds):.3f} s "
                f"over {args.runs} runs; {len(content):,} bytes"
                + (f", {pages} pages" if pages else "")
                + f" — {verdict} the goal (< {goal} s)"
            )
            failed = failed or not content
        if args.page1_png:
            render_page1(last_pdf, args.page1_png)
            print(f"[page 1] {args.page1_png}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
