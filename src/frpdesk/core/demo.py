"""A realistic demo data set. Loading it twice changes nothing (natural keys throughout)."""

import datetime
import secrets
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from frpdesk.accounts import roles
from frpdesk.accounts.models import Team, User
from frpdesk.accounts.services import assign_roles
from frpdesk.catalog.models import Workload
from frpdesk.claims.demo import load_demo_claims
from frpdesk.compliance.demo import load_demo_compliance
from frpdesk.directory.models import DirectoryPartner
from frpdesk.incentives.demo import load_demo_incentives
from frpdesk.partner.models import (
    Endorsement,
    PartnerProfile,
    ProgramContact,
    ProgramMembership,
    ReferralProfile,
)
from frpdesk.partner.services import PROFILE_PK
from frpdesk.satisfaction.demo import load_demo_satisfaction
from frpdesk.scoping.demo import load_demo_scoping
from frpdesk.sow.demo import load_demo_sow
from frpdesk.vas.demo import load_demo_vas

if TYPE_CHECKING:
    from frpdesk.referrals.models import Referral

DEMO_USERS = [
    ("admin", "Avery", "Morgan", roles.PROGRAM_ADMINISTRATOR),
    ("consultant", "Priya", "Natarajan", roles.DELIVERY_CONSULTANT),
    ("sales", "Diego", "Alvarez", roles.SALES),
    ("executive", "Helen", "Okafor", roles.EXECUTIVE),
    ("auditor", "Marcus", "Lindqvist", roles.AUDITOR),
    ("education", "Jordan", "Lee", roles.DELIVERY_CONSULTANT),
]
# Who serves which customers: consultants and sales people see only their teams' customers.
DEMO_TEAMS = {
    "Commercial": ("Enterprise and corporate customers.", ("consultant", "sales")),
    "Education": ("Schools and universities.", ("education",)),
}

DIRECTORY = [
    (
        "Northwind Cloud Services",
        "5102938",
        "Ingrid Svensson",
        "SE,NO,DK,FI",
        ["sv", "nb", "da", "fi", "en"],
        ["exchange", "sharepoint", "onedrive", "teams", "intune", "entra_id"],
    ),
    (
        "Fabrikam Digital",
        "6203847",
        "Lucas Martin",
        "FR,BE,LU,CH",
        ["fr", "en"],
        ["teams", "m365_apps", "viva_engage", "copilot"],
    ),
    (
        "Adatum Secure",
        "7304756",
        "Sarah Kim",
        "US,CA",
        ["en", "es"],
        ["defender_endpoint", "defender_office", "purview", "entra_id", "intune"],
    ),
    (
        "Tailspin Modern Work",
        "8405665",
        "Jonas Weber",
        "DE,AT,CH",
        ["de", "en"],
        ["exchange", "sharepoint", "onedrive", "teams", "windows"],
    ),
    (
        "Woodgrove Advisory",
        "9506574",
        "Aisha Bello",
        "GB,IE",
        ["en"],
        ["copilot", "purview", "teams", "sharepoint"],
    ),
    (
        "Litware Iberia",
        "1607483",
        "Carmen Ruiz",
        "ES,PT",
        ["es", "pt", "en"],
        ["exchange", "teams", "m365_apps", "intune"],
    ),
    (
        "Proseware Nippon",
        "2708392",
        "Haruto Sato",
        "JP",
        ["ja", "en"],
        ["exchange", "sharepoint", "onedrive", "teams", "defender_office"],
    ),
    (
        "Wide World Tech",
        "3809201",
        "Rafael Souza",
        "BR,AR,CL,MX",
        ["pt", "es", "en"],
        ["teams", "viva_engage", "m365_apps", "windows"],
    ),
    (
        "Relecloud Partners",
        "4900110",
        "Emma Johansson",
        "NL,BE",
        ["nl", "en", "fr"],
        ["intune", "windows", "defender_endpoint", "entra_id"],
    ),
    (
        "Contoso Pharma IT",
        "5011029",
        "Mei Lin",
        "SG,MY,AU,NZ",
        ["en", "zh-hans", "ms"],
        ["exchange", "copilot", "purview", "sharepoint"],
    ),
]


DEMO_CUSTOMERS = [
    # name, domain, country, industry, segment, edu, tags, (E3, E5, F3, E1, EMS E5, Copilot)
    (
        "Woodgrove Bank",
        "woodgrovebank.example",
        "US",
        "financial_services",
        "enterprise",
        False,
        "priority",
        (2400, 600, 0, 0, 0, 300),
    ),
    (
        "Contoso Pharmaceuticals",
        "contosopharma.example",
        "DE",
        "healthcare",
        "enterprise",
        False,
        "priority,copilot",
        (900, 150, 400, 0, 0, 120),
    ),
    (
        "Fabrikam Manufacturing",
        "fabrikam.example",
        "US",
        "manufacturing",
        "corporate",
        False,
        "manufacturing",
        (380, 0, 900, 0, 0, 0),
    ),
    (
        "Litware University",
        "litware.example",
        "GB",
        "education",
        "education",
        True,
        "edu",
        (0, 0, 0, 0, 0, 0),
    ),
    (
        "Tailspin Airlines",
        "tailspin.example",
        "CA",
        "transportation",
        "enterprise",
        False,
        "",
        (700, 0, 1200, 0, 0, 0),
    ),
    (
        "Northwind Traders",
        "northwindtraders.example",
        "US",
        "retail",
        "corporate",
        False,
        "retail",
        (120, 0, 0, 80, 0, 0),
    ),
    (
        "Adventure Works Cycles",
        "adventure-works.example",
        "US",
        "manufacturing",
        "smb",
        False,
        "",
        (90, 0, 0, 0, 0, 0),
    ),
    (
        "Alpine Ski House",
        "alpineskihouse.example",
        "AT",
        "hospitality",
        "smb",
        False,
        "",
        (60, 0, 40, 0, 0, 0),
    ),
    (
        "Coho Winery",
        "cohowinery.example",
        "US",
        "agriculture",
        "smb",
        False,
        "",
        (40, 0, 0, 0, 0, 0),
    ),
    (
        "Margie's Travel",
        "margiestravel.example",
        "ES",
        "hospitality",
        "corporate",
        False,
        "",
        (210, 0, 0, 0, 160, 0),
    ),
    (
        "Proseware Legal",
        "proseware.example",
        "GB",
        "professional_services",
        "corporate",
        False,
        "copilot",
        (310, 90, 0, 0, 0, 60),
    ),
    (
        "Trey Research",
        "treyresearch.example",
        "FR",
        "technology",
        "corporate",
        False,
        "",
        (0, 450, 0, 0, 0, 450),
    ),
    (
        "Wide World Importers",
        "wideworldimporters.example",
        "NL",
        "retail",
        "enterprise",
        False,
        "retail",
        (1500, 0, 3000, 0, 0, 0),
    ),
    (
        "Humongous Insurance",
        "humongousinsurance.example",
        "US",
        "financial_services",
        "enterprise",
        False,
        "priority",
        (5200, 800, 0, 0, 0, 0),
    ),
    (
        "Lamna Healthcare",
        "lamnahealthcare.example",
        "AU",
        "healthcare",
        "corporate",
        False,
        "",
        (160, 0, 0, 0, 0, 0),
    ),
    (
        "Blue Yonder Airlines",
        "blueyonder.example",
        "US",
        "transportation",
        "corporate",
        False,
        "",
        (0, 0, 0, 140, 0, 0),
    ),
    (
        "City Power & Light",
        "citypowerlight.example",
        "US",
        "energy",
        "public_sector",
        False,
        "gov",
        (650, 0, 0, 0, 650, 0),
    ),
    (
        "Graphic Design Institute",
        "graphicdesigninstitute.example",
        "US",
        "education",
        "education",
        True,
        "edu",
        (0, 0, 0, 0, 0, 0),
    ),
]
EDU_LICENCES = {"Litware University": 2600, "Graphic Design Institute": 480}
SNAPSHOT_DATES = (datetime.date(2026, 8, 31), datetime.date(2026, 10, 31))


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str


def demo_password() -> str:
    """One generated password for all demo users, kept beside the database so it stays valid."""
    path = Path(settings.DATA_DIR) / "demo-password"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(9)
    path.write_text(password)
    path.chmod(0o600)
    return password


@transaction.atomic
def load_demo() -> list[DemoLogin]:
    password = demo_password()
    logins = []
    for username, first, last, role in DEMO_USERS:
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@contoso-consulting.example",
            },
        )
        if not user.check_password(password):
            user.set_password(password)
        user.is_staff = user.is_superuser = username == "admin"
        user.save()
        assign_roles(acting_user=None, user=user, roles=[role])
        logins.append(DemoLogin(username, password, role))
    for name, (description, members) in DEMO_TEAMS.items():
        team, _ = Team.objects.get_or_create(name=name, defaults={"description": description})
        team.members.add(*User.objects.filter(username__in=members))

    today = timezone.localdate()
    profile, _ = PartnerProfile.objects.get_or_create(
        pk=PROFILE_PK,
        defaults={
            "organisation_name": "Contoso Consulting",
            "partner_id": "4871234",
            "location_partner_id": "4871299",
            "location_city": "Seattle",
            "location_country": "US",
            "website": "https://contoso-consulting.example",
        },
    )
    for name, location in (
        ("Contoso Consulting US – FRP", "4871299"),
        ("Contoso Consulting UK – FRP", "4871300"),
    ):
        ProgramMembership.objects.get_or_create(
            profile=profile,
            name=name,
            defaults={
                "location_partner_id": location,
                "joined_on": datetime.date(2023, 7, 1),
                "renews_on": datetime.date(today.year + 1, 6, 30),
            },
        )
    contacts = [
        ("Avery Morgan", "avery.morgan@contoso-consulting.example", "Program administrator", True),
        ("Samira Haddad", "samira.haddad@contoso-consulting.example", "Delivery lead", False),
        ("Tom Becker", "tom.becker@contoso-consulting.example", "Alliance manager", False),
    ]
    has_spoc = profile.contacts.filter(is_spoc=True).exists()
    for name, email, title, is_spoc in contacts:
        ProgramContact.objects.get_or_create(
            profile=profile,
            email=email,
            defaults={
                "name": name,
                "title": title,
                "phone": "+1 206 555 01" + str(len(name)),
                "is_spoc": is_spoc and not has_spoc,
            },
        )
    start = datetime.date(2024, 1, 1)
    for code in (
        "exchange",
        "sharepoint",
        "onedrive",
        "teams",
        "m365_apps",
        "entra_id",
        "intune",
        "copilot",
    ):
        Endorsement.objects.get_or_create(
            profile=profile, workload=Workload.objects.get(code=code), valid_from=start
        )
    Endorsement.objects.get_or_create(
        profile=profile,
        workload=Workload.objects.get(code="viva_engage"),
        valid_from=datetime.date(2023, 1, 1),
        defaults={"valid_to": datetime.date(2023, 12, 31)},
    )
    referral_profile, created = ReferralProfile.objects.get_or_create(profile=profile)
    if created:
        referral_profile.languages = ["en", "es", "de"]
        referral_profile.industries = ["manufacturing", "financial_services", "healthcare"]
        referral_profile.target_customer_sizes = ["500-2499", "2500-9999"]
        referral_profile.countries_served = ["US", "CA", "GB", "DE"]
        referral_profile.referral_contact = profile.contacts.get(email=contacts[1][1])
        referral_profile.save()

    for name, partner_id, contact, countries, languages, workloads in DIRECTORY:
        partner, created = DirectoryPartner.objects.get_or_create(
            partner_id=partner_id,
            defaults={
                "name": name,
                "contact_name": contact,
                "countries": countries,
                "languages": languages,
                "contact_email": f"{contact.split()[0].lower()}@{name.split()[0].lower()}.example",
            },
        )
        if created:
            partner.endorsed_workloads.set(Workload.objects.filter(code__in=workloads))
    load_demo_customers()
    load_demo_usage()
    load_demo_engagements()
    load_demo_vas()
    load_demo_scoping()
    load_demo_sow()
    load_demo_claims()
    load_demo_incentives()
    load_demo_satisfaction()
    load_demo_compliance()  # last: it checks everything above
    return logins


def load_demo_customers() -> None:
    from frpdesk.customers.models import (
        ContactRole,
        Customer,
        CustomerContact,
        PartnerContact,
        PartnerRole,
    )
    from frpdesk.customers.services import save_customer
    from frpdesk.licensing.services import ParsedLine, save_snapshot

    consultant = User.objects.get(username="consultant")
    admin = User.objects.get(username="admin")
    teams = {team.name: team for team in Team.objects.filter(name__in=DEMO_TEAMS)}
    plans = ("SPE_E3", "SPE_E5", "SPE_F1", "STANDARDPACK", "EMSPREMIUM", "Microsoft_365_Copilot")
    for index, (name, domain, country, industry, segment, edu, tags, seats) in enumerate(
        DEMO_CUSTOMERS
    ):
        tenant_id = uuid.uuid5(uuid.NAMESPACE_DNS, domain)
        customer = Customer.objects.filter(tenant_id=tenant_id).first()
        if customer is None:
            customer = save_customer(
                acting_user=admin,
                customer=Customer(
                    name=name,
                    tenant_id=tenant_id,
                    primary_domain=domain,
                    country=country,
                    industry=industry,
                    segment=segment,
                    is_edu=edu,
                    tpid=str(7_000_000 + index * 137),
                    owner=consultant if index % 2 == 0 else admin,
                    team=teams["Education" if edu else "Commercial"],
                ),
                tags=[tag for tag in tags.split(",") if tag],
            )
            first = name.split()[0].lower().strip("'")
            CustomerContact.objects.create(
                customer=customer,
                name=f"{name.split()[0]} Sponsor",
                email=f"sponsor@{domain}",
                title="Chief Information Officer",
                role=ContactRole.SPONSOR,
                country=country,
                survey_language="en",
                survey_eligible=index % 5 != 3,
            )
            CustomerContact.objects.create(
                customer=customer,
                name=f"{first.title()} IT Lead",
                email=f"it.lead@{domain}",
                title="Head of IT operations",
                role=ContactRole.IT_LEAD,
                country=country,
            )
            PartnerContact.objects.create(
                customer=customer, user=consultant, role=PartnerRole.ENGAGEMENT_LEAD
            )
        lines_by_date = []
        for growth in (0.8, 1.0):
            lines = [
                ParsedLine(plan, int(count * growth), consumed=int(count * growth * 0.7))
                for plan, count in zip(plans, seats, strict=True)
                if count
            ]
            if name in EDU_LICENCES:
                lines.append(ParsedLine("M365EDU_A3_FACULTY", int(EDU_LICENCES[name] * growth)))
                lines.append(ParsedLine("STANDARDWOFFPACK_STUDENT", 12_000))
            lines.append(ParsedLine("FLOW_FREE", 10_000, consumed=40))
            lines_by_date.append(lines)
        for as_of, lines in zip(SNAPSHOT_DATES, lines_by_date, strict=True):
            save_snapshot(
                acting_user=None,
                customer=customer,
                lines=lines,
                as_of=as_of,
                source="csv",
                file_name="demo",
            )


# Twice-monthly usage reports since the first demo snapshot; reports lag the pull by two days.
USAGE_REFRESH_DATES = tuple(
    datetime.date(2026, 8, 31) + datetime.timedelta(days=14 * step) for step in range(7)
)
# The AU% each workload reaches by the last report in a typical tenant (scaled per tenant).
USAGE_TARGETS = {
    "exchange": 0.82,
    "teams": 0.64,
    "onedrive": 0.42,
    "sharepoint": 0.33,
    "viva_engage": 0.09,
}
OFFICE365_COLUMNS = ("exchange", "onedrive", "sharepoint", "", "viva_engage", "teams")


def demo_usage_report(
    *, domain: str, users: int, refresh_date: datetime.date, step: int, scale: float
) -> bytes:
    """An Office365ActiveUserDetail report as Graph returns it (BOM, CRLF) for a demo tenant.

    Each user has a stable propensity per workload, so adoption grows report after report.
    """
    import random

    from frpdesk.adoption.report_formats import OFFICE365_ACTIVE_USER_HEADER

    progress = 0.6 + 0.4 * step / (len(USAGE_REFRESH_DATES) - 1)
    assigned = "2026-01-05"
    lines = [OFFICE365_ACTIVE_USER_HEADER]
    for number in range(users):
        person = random.Random(f"{domain}/{number}")
        today = random.Random(f"{domain}/{number}/{refresh_date}")
        dates = []
        for code in OFFICE365_COLUMNS:
            rate = USAGE_TARGETS.get(code, 0.0) * scale * progress
            if code and person.random() < rate:
                dates.append(str(refresh_date - datetime.timedelta(days=today.randrange(25))))
            elif code and person.random() < 0.5:
                dates.append(str(refresh_date - datetime.timedelta(days=40 + today.randrange(90))))
            else:
                dates.append("")
        lines.append(
            ",".join(
                [
                    str(refresh_date),
                    f"user{number:05d}@{domain}",
                    f"Demo User {number:05d}",
                    "False",
                    "",
                    *["True"] * 6,
                    *dates,
                    *[assigned] * 6,
                    "MICROSOFT 365 E3",
                ]
            )
        )
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()


def load_demo_usage() -> None:
    """Usage reports for every demo tenant, a few manual MAU entries and partner associations."""
    from frpdesk.adoption.models import ImportSource, UsageImport
    from frpdesk.adoption.services import (
        import_usage_file,
        record_manual_mau,
        set_partner_association,
    )
    from frpdesk.customers.models import Customer

    consultant = User.objects.get(username="consultant")
    workloads = {workload.code: workload for workload in Workload.objects.all()}
    for index, (name, domain, *_rest, seats) in enumerate(DEMO_CUSTOMERS):
        customer = Customer.objects.get(tenant_id=uuid.uuid5(uuid.NAMESPACE_DNS, domain))
        users = sum(seats[:4]) + EDU_LICENCES.get(name, 0)
        if not users or UsageImport.objects.filter(customer=customer).exists():
            continue
        scale = 0.55 + 0.45 * ((index * 7) % 10) / 9
        for step, refresh_date in enumerate(USAGE_REFRESH_DATES):
            import_usage_file(
                acting_user=consultant,
                customer=customer,
                file_name=f"Office365ActiveUserDetail_D30_{refresh_date}.csv",
                content=demo_usage_report(
                    domain=domain, users=users, refresh_date=refresh_date, step=step, scale=scale
                ),
                source=ImportSource.UPLOAD,
            )
        if seats[0] or seats[1] or seats[4]:
            for step, refresh_date in enumerate(USAGE_REFRESH_DATES[::2]):
                record_manual_mau(
                    acting_user=consultant,
                    customer=customer,
                    workload=workloads["intune"],
                    refresh_date=refresh_date,
                    mau=int(users * scale * (0.2 + 0.08 * step)),
                    note="Copied from the FastTrack partner dashboard",
                )
        if index % 3 == 0:
            set_partner_association(
                acting_user=consultant,
                customer=customer,
                workload=workloads["teams"],
                associated_on=USAGE_REFRESH_DATES[2],
                note="CPOR claim approved",
            )


# Engagements: customer domain, origin, owner, workloads, days since the start, phase and the
# days it was entered, status note (days old, next action, days until it is due), checklist
# templates done, routing (workload, decision, directory PartnerID or justification).
@dataclass(frozen=True)
class DemoEngagement:
    domain: str
    origin: str
    owner: str
    workloads: list[str]
    started: int  # days ago
    phases: list[tuple[str, int]]  # phase code, entered days ago
    note: tuple[int, str, int] | None  # days old, next action, due in days
    done: list[str]  # milestone template codes
    routing: tuple[str, str, str] | None = None  # workload, decision, directory PartnerID


DEMO_ENGAGEMENTS = [
    DemoEngagement(
        domain="woodgrovebank.example",
        origin="own_lead",
        owner="consultant",
        workloads=["teams", "exchange", "copilot"],
        started=35,
        phases=[("assess", 14)],
        note=(4, "Review the assessment results with the IT lead", 2),
        done=["kickoff"],
    ),
    DemoEngagement(
        domain="contosopharma.example",
        origin="existing_claim",
        owner="consultant",
        workloads=["sharepoint", "onedrive"],
        started=70,
        phases=[("assess", 50), ("remediate", 25)],
        note=(20, "Send the remediation plan to the sponsor", -10),
        done=["kickoff", "assessment_checklist", "security_discussion"],
    ),
    DemoEngagement(
        domain="fabrikam.example",
        origin="referral",
        owner="consultant",
        workloads=["teams", "viva_engage"],
        started=3,
        phases=[],
        note=None,
        done=[],
    ),
    DemoEngagement(
        domain="alpineskihouse.example",
        origin="own_lead",
        owner="admin",
        workloads=["intune", "entra_id", "defender_endpoint"],
        started=50,
        phases=[("assess", 40), ("remediate", 30), ("enable", 9)],
        note=(2, "Run the Intune enrolment workshop", 5),
        done=["kickoff", "assessment_checklist", "security_discussion"],
        routing=("defender_endpoint", "rfa", ""),
    ),
    DemoEngagement(
        domain="northwindtraders.example",
        origin="own_lead",
        owner="consultant",
        workloads=["exchange", "purview"],
        started=10,
        phases=[],
        note=(1, "Confirm the kickoff date with the sponsor", 3),
        done=[],
        routing=("purview", "hand_off", "7304756"),
    ),
]
# Pending referrals: referral ID, tenant, domain, workloads, days since assignment.
DEMO_REFERRALS = [
    ("FT-DEMO-2001", "Humongous Insurance", "humongousinsurance.example", ["exchange"], 9),
    ("FT-DEMO-2002", "Relecloud Logistics", "relecloud.example", ["teams", "sharepoint"], 5),
    ("FT-DEMO-2003", "VanArsdel Foods", "vanarsdel.example", ["intune", "entra_id"], 2),
    ("FT-DEMO-2004", "Bellows College", "bellowscollege.example", ["teams"], 0),
]
ACCEPTED_REFERRAL = "FT-DEMO-1001"


def _demo_referral(
    referral_id: str, tenant: str, domain: str, codes: list[str], assigned: datetime.date
) -> "Referral":
    from frpdesk.referrals.models import Referral, ReferralKind
    from frpdesk.referrals.services import save_referral

    referral = Referral.objects.filter(referral_id=referral_id).first()
    if referral is not None:
        return referral
    return save_referral(
        acting_user=None,
        referral=Referral(
            referral_id=referral_id,
            kind=ReferralKind.BENEFIT,
            tenant_name=tenant,
            tenant_id=uuid.uuid5(uuid.NAMESPACE_DNS, domain),
            tenant_domain=domain,
            rfa_id=referral_id.replace("FT-DEMO", "RFA"),
            source="FastTrack Request for Assistance",
            assigned_on=assigned,
        ),
        workloads=Workload.objects.filter(code__in=codes),
    )


def load_demo_engagements() -> None:
    """Engagements of the demo customers (one stale, one awaiting routing) and referrals."""
    from frpdesk.catalog.models import DeliveryPhase
    from frpdesk.customers.models import Customer
    from frpdesk.directory.models import DirectoryPartner
    from frpdesk.engagements import services
    from frpdesk.engagements.models import (
        EngagementPhase,
        EventKind,
        StatusNote,
        TimelineEvent,
        WorkloadSource,
    )
    from frpdesk.referrals.models import Acceptance

    today = timezone.localdate()
    users = {
        user.username: user for user in User.objects.filter(username__in=["consultant", "admin"])
    }
    consultant = users["consultant"]

    def moment(days_ago: int) -> datetime.datetime:
        day = today - datetime.timedelta(days=days_ago)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30)))

    for spec in DEMO_ENGAGEMENTS:
        customer = Customer.objects.get(tenant_id=uuid.uuid5(uuid.NAMESPACE_DNS, spec.domain))
        if customer.engagements.exists():
            continue
        started = today - datetime.timedelta(days=spec.started)
        referral = None
        if spec.origin == "referral":
            referral = _demo_referral(
                ACCEPTED_REFERRAL, customer.name, spec.domain, spec.workloads, started
            )
            referral.customer = customer
            referral.acceptance = Acceptance.ACCEPTED
            referral.first_responded_on = referral.decided_on = started
            referral.save()
        engagement = services.open_engagement(
            acting_user=consultant,
            customer=customer,
            origin=spec.origin,
            workloads=list(Workload.objects.filter(code__in=spec.workloads)),
            owner=users[spec.owner],
            referral=referral,
            source=WorkloadSource.REFERRED if referral else WorkloadSource.CLAIMED,
            started_on=started,
        )
        if spec.owner != "consultant":
            engagement.team.add(consultant)
        TimelineEvent.objects.filter(engagement=engagement).update(at=moment(spec.started))
        routing = spec.routing
        if routing:
            code, decision, reference = routing
            services.route_workload(
                acting_user=consultant,
                engagement_workload=engagement.workloads.get(workload__code=code),
                routing=decision,
                handoff_partner=DirectoryPartner.objects.filter(partner_id=reference).first(),
            )
        for code in spec.done:
            for item in engagement.workloads.all():
                check = item.checklist.get(template__code=code)
                services.complete_checklist_item(
                    acting_user=consultant, item=check, done_on=check.due_on
                )
        for code, days_ago in spec.phases:
            services.move_engagement(
                acting_user=consultant,
                engagement=engagement,
                phase=DeliveryPhase.objects.get(code=code),
            )
            entered = today - datetime.timedelta(days=days_ago)
            EngagementPhase.objects.filter(engagement=engagement, ended_on=today).update(
                ended_on=entered
            )
            EngagementPhase.objects.filter(engagement=engagement, ended_on=None).update(
                started_on=entered
            )
            TimelineEvent.objects.filter(
                engagement=engagement, kind=EventKind.PHASE_CHANGED, data__after=code
            ).update(at=moment(days_ago))
        if spec.note:
            days_old, action, due_in = spec.note
            note = services.add_status_note(
                acting_user=consultant,
                engagement=engagement,
                onboarding_scope=f"FastTrack onboarding of {', '.join(spec.workloads)}; "
                "remote guidance for the IT team.",
                risks="Change freeze before year end." if days_old > 14 else "",
                next_action=action,
                next_action_on=today + datetime.timedelta(days=due_in),
                next_action_owner=consultant,
            )
            StatusNote.objects.filter(pk=note.pk).update(created_at=moment(days_old))
            TimelineEvent.objects.filter(engagement=engagement, kind=EventKind.NOTE_ADDED).update(
                at=moment(days_old)
            )

    for referral_id, tenant, domain, codes, days_ago in DEMO_REFERRALS:
        _demo_referral(
            referral_id, tenant, domain, codes, today - datetime.timedelta(days=days_ago)
        )
