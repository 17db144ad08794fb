"""A realistic demo data set. Loading it twice changes nothing (natural keys throughout)."""

import datetime
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from frpdesk.accounts import roles
from frpdesk.accounts.models import User
from frpdesk.accounts.services import assign_roles
from frpdesk.catalog.models import Workload
from frpdesk.directory.models import DirectoryPartner
from frpdesk.partner.models import (
    Endorsement,
    PartnerProfile,
    ProgramContact,
    ProgramMembership,
    ReferralProfile,
)
from frpdesk.partner.services import PROFILE_PK

DEMO_USERS = [
    ("admin", "Avery", "Morgan", roles.PROGRAM_ADMINISTRATOR),
    ("consultant", "Priya", "Natarajan", roles.DELIVERY_CONSULTANT),
    ("sales", "Diego", "Alvarez", roles.SALES),
    ("executive", "Helen", "Okafor", roles.EXECUTIVE),
    ("auditor", "Marcus", "Lindqvist", roles.AUDITOR),
]

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
    return logins
