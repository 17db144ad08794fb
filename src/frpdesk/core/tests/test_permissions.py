"""Permissions through every path: each page, export and API endpoint with a user of every role.

The expected access is written down here, independently of the code under test:

- Program administrator: reads and manages the catalog, the partner profile and the directory,
  reads users and the audit trail.
- Delivery consultant, Sales, Executive: read the catalog, the partner profile and the directory.
- Auditor: reads the same, plus the audit trail.
- A signed-in user without a role: the home page and their own account only.
- Row scoping: consultants and sales people see only the customers of their teams (the test
  records belong to the test team), program administrators, executives and auditors see all. A
  delivery consultant of another team may open every page their role allows, but finds no record
  of the test team's customers: lists and exports leave them out, their pages and API URLs answer
  404. Figures summing up every customer (check runs, rules, payment statements, survey imports)
  are for those who see all customers.
- Anonymous visitors: pages send them to the login page; the API answers 401/403 in JSON.

Page and endpoint tables are generated from ``CATALOG_PAGES`` and the API router, so a new
catalog table or endpoint is covered (and must be classified here) without editing the tests.
A refused request must not show the data it was refused, and must not change anything.
"""

import datetime
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.auth.models import Group
from django.db import DEFAULT_DB_ALIAS, models
from django.db.models.deletion import Collector, ProtectedError
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from frpdesk.accounts import roles
from frpdesk.accounts.models import Team, TokenScope, User
from frpdesk.accounts.tests.factories import token_header
from frpdesk.adoption.services import record_manual_mau, set_partner_association
from frpdesk.adoption.tests.factories import UsageImportFactory
from frpdesk.catalog.models import Holiday, Workload
from frpdesk.catalog.views import CATALOG_PAGES
from frpdesk.claims.models import ClaimState, ExternalClaim
from frpdesk.claims.tests.factories import make_claim
from frpdesk.compliance.models import Finding
from frpdesk.compliance.tests.factories import make_check_run, make_finding, make_rule_result
from frpdesk.core.exports import EXPORT_FORMATS
from frpdesk.customers.models import Customer
from frpdesk.customers.tests.factories import (
    CustomerContactFactory,
    CustomerFactory,
    PartnerContactFactory,
)
from frpdesk.directory.tests.factories import DirectoryPartnerFactory
from frpdesk.engagements.services import add_status_note, route_workload
from frpdesk.engagements.tests.factories import make_engagement
from frpdesk.incentives.tests.factories import (
    IncentiveRateFactory,
    LineDisputeFactory,
    StatementFactory,
    StatementLineFactory,
)
from frpdesk.licensing.tests.factories import import_licences
from frpdesk.notifications.tests.factories import DeliveryFactory, NotificationPreferenceFactory
from frpdesk.partner.models import ReferralProfile
from frpdesk.partner.tests.factories import (
    EndorsementFactory,
    ProgramContactFactory,
    ProgramMembershipFactory,
)
from frpdesk.referrals.tests.factories import ReferralFactory
from frpdesk.satisfaction.tests.factories import SurveyImportFactory, SurveyResponseFactory
from frpdesk.scoping.tests.factories import assess, make_request
from frpdesk.sow.services import generate_sow, render_sow, upload_signed_sow
from frpdesk.sow.tests.conftest import customer_signature
from frpdesk.urls import router
from frpdesk.vas.models import QuoteState
from frpdesk.vas.tests.factories import RateCardEntryFactory, make_quote

# --- who may do what -------------------------------------------------------------------------

NO_ROLE = "no role"
OTHER_TEAM = "Delivery consultant of another team"
ROLE_FIXTURES = {
    roles.PROGRAM_ADMINISTRATOR: "program_admin",
    roles.DELIVERY_CONSULTANT: "consultant",
    OTHER_TEAM: "other_team_consultant",
    roles.SALES: "sales",
    roles.EXECUTIVE: "executive",
    roles.AUDITOR: "auditor",
    NO_ROLE: "outsider",
}
ROLES = tuple(ROLE_FIXTURES)

SIGNED_IN = frozenset(ROLES)
VIEW = SIGNED_IN - {NO_ROLE}
MANAGE = frozenset({roles.PROGRAM_ADMINISTRATOR})
DELIVERY = MANAGE | {roles.DELIVERY_CONSULTANT, OTHER_TEAM}  # customers, engagements, SOW…
ALL_CUSTOMERS = frozenset({roles.PROGRAM_ADMINISTRATOR, roles.EXECUTIVE, roles.AUDITOR})
SELLING = MANAGE | {roles.SALES}  # value-added services
HISTORY = frozenset({roles.PROGRAM_ADMINISTRATOR, roles.AUDITOR})
USERS = frozenset({roles.PROGRAM_ADMINISTRATOR})  # accounts.view_user

# Router prefixes whose viewsets take no writes, and those that show the audit trail.
READ_ONLY_ENDPOINTS = frozenset(
    {
        "catalog/skus",
        "catalog/service-plans",
        "audit-log",
        "snapshots",
        "usage-imports",
        "timeline-events",
        "claim-transitions",
        "statement-lines",
        "incentive-estimates",
        "survey-responses",
        "findings",
        "check-runs",
        "notifications",
        "notification-preferences",  # no create: each user's row is made when first needed
    }
)
HISTORY_ENDPOINTS = frozenset({"audit-log"})


class Objects(dict[str, Any]):
    """Records by ``app_label.model``, made when first asked for (a test pays only for what it
    uses); reference data (the catalog) is picked from what migrations loaded."""

    def __init__(self, makers: dict[str, Callable[["Objects"], models.Model]]) -> None:
        super().__init__()
        self.makers = makers
        self.owner: User | None = None  # the signed-in user: personal rows are theirs

    def owned_by_signed_in_user(self, make_user: Callable[..., User]) -> User:
        return self.owner or make_user(None, username="someone-else")

    def __missing__(self, label: str) -> models.Model:
        maker = self.makers.get(label)
        self[label] = row = maker(self) if maker else _deletable_row(apps.get_model(label))
        return row

    def target(self, label: str) -> models.Model | None:
        return self[label] if label else None

    def make(self, *labels: str) -> None:
        """Make the records now, before a request that must not show them."""
        for label in labels:
            self[label]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def other_team_consultant(make_user: Callable[..., User]) -> User:
    user = make_user(roles.DELIVERY_CONSULTANT, username="other-team-consultant")
    user.teams.set([Team.objects.create(name="Another team")])
    return user


def of_a_customer(label: str) -> bool:
    """Whether records of ``label`` belong to a customer (and so to its team)."""
    return getattr(apps.get_model(label), "customer_path", None) is not None


def program_wide(label: str) -> bool:
    return getattr(apps.get_model(label), "program_wide", False)


@pytest.fixture
def objects(partner_profile: Any, make_user: Callable[..., User]) -> Objects:
    """A record of every model a page or endpoint is about, by ``app_label.model``.

    Each record is deletable (nothing protects it), so an allowed delete really deletes it.
    """
    assert ReferralProfile.objects.filter(profile=partner_profile).exists()  # as save_profile()

    def engagement(found: Objects) -> models.Model:
        lead = make_user(None, username="engagement-owner")
        # A customer of its own: engagements protect their customer from deletion.
        engaged = CustomerFactory(name="Tailspin Toys", primary_domain="tailspintoys.example")
        return make_engagement(owner=lead, customer=engaged, workloads=("purview",))

    def routed_workload(found: Objects) -> models.Model:
        opened = found["engagements.engagement"]
        return route_workload(
            acting_user=opened.owner, engagement_workload=opened.workloads.get(), routing="rfa"
        )

    def status_note(found: Objects) -> models.Model:
        opened = found["engagements.engagement"]
        return add_status_note(
            acting_user=opened.owner,
            engagement=opened,
            onboarding_scope="Purview labels for the legal team",
            next_action="Send the Request for Assistance steps",
            next_action_on=datetime.date(2026, 12, 1),
            next_action_owner=opened.owner,
        )

    def signed_sow(found: Objects) -> models.Model:
        opened = found["engagements.engagement"]
        return upload_signed_sow(
            acting_user=opened.owner,
            engagement=opened,
            file_name="signed-sow.docx",
            content=render_sow(
                engagement=opened, file_format="docx", customer_signature=customer_signature()
            ),
            signed_by_name="Dana Fox",
            signed_on=datetime.date.today(),
        )

    def claim(found: Objects) -> models.Model:
        """A draft of the engagement's customer with the signed SOW as its proof of execution."""
        opened = found["engagements.engagement"]
        draft = make_claim(engagement=opened, workloads=("purview",))
        draft.poe_signed_sow = found["sow.signedsow"]
        draft.save()
        return draft

    def partner_log_entry(found: Objects) -> models.Model:
        entry = LogEntry.objects.get_for_object(found["directory.directorypartner"]).first()
        assert entry is not None, "auditlog should record the partner's creation"
        return entry

    makers: dict[str, Callable[[Objects], models.Model]] = {
        "partner.partnerprofile": lambda found: partner_profile,
        "partner.referralprofile": lambda found: partner_profile.referral_profile,
        # Not the SPOC: the SPOC can be neither deleted nor made SPOC again.
        "partner.programcontact": lambda found: ProgramContactFactory(
            profile=partner_profile, name="Robin Quayle", email="robin@contoso.example"
        ),
        "partner.programmembership": lambda found: ProgramMembershipFactory(
            profile=partner_profile, name="Contoso Northwind – FRP"
        ),
        "partner.endorsement": lambda found: EndorsementFactory(profile=partner_profile),
        "directory.directorypartner": lambda found: DirectoryPartnerFactory(
            name="Fabrikam Delivery Partners",
            partner_id="5550123",
            contact_name="Kim Akers",
            contact_email="kim@fabrikam.example",
            endorsed_workloads=["teams"],
        ),
        "accounts.user": lambda found: make_user(
            None, username="history-subject", first_name="Quinn", last_name="Harper"
        ),
        "accounts.team": lambda found: Team.objects.create(name="Fourth Coffee delivery"),
        "customers.customer": lambda found: found["licensing.licensesnapshot"].customer,
        "customers.customercontact": lambda found: CustomerContactFactory(
            customer=found["customers.customer"],
            name="Dana Whitfield",
            email="dana@woodgrove.example",
        ),
        "customers.partnercontact": lambda found: PartnerContactFactory(
            customer=found["customers.customer"],
            user=make_user(None, username="engagement-lead"),
        ),
        # The customer comes with licences, so that its eligibility can be read.
        "licensing.licensesnapshot": lambda found: (
            import_licences(
                CustomerFactory(name="Woodgrove Holdings", primary_domain="woodgrove.example"),
                {"SPE_E3": 400},
            ).snapshot
        ),
        "adoption.usagepoint": lambda found: record_manual_mau(
            acting_user=None,
            customer=found["customers.customer"],
            workload=Workload.objects.get(code="intune"),
            refresh_date=datetime.date(2026, 10, 31),
            mau=120,
        ),
        "adoption.usageimport": lambda found: UsageImportFactory(
            customer=found["customers.customer"]
        ),
        "adoption.partnerassociation": lambda found: set_partner_association(
            acting_user=None,
            customer=found["customers.customer"],
            workload=Workload.objects.get(code="teams"),
            associated_on=datetime.date(2026, 9, 1),
        ),
        "catalog.holiday": lambda found: Holiday.objects.create(
            date=datetime.date(2026, 12, 25), name="Christmas Day"
        ),
        # Of a known tenant: it belongs to the customer's team (the queue of new tenants is shared).
        "referrals.referral": lambda found: ReferralFactory(
            tenant_name="Litware Retail", tenant_id=found["customers.customer"].tenant_id
        ),
        "engagements.engagement": engagement,
        "engagements.engagementworkload": routed_workload,
        "engagements.checklistitem": lambda found: found[
            "engagements.engagementworkload"
        ].checklist.first(),
        "engagements.statusnote": status_note,
        "engagements.timelineevent": lambda found: found["engagements.engagement"].timeline.first(),
        "scoping.scopeassessment": lambda found: assess(
            found["engagements.engagement"], [True, False, True]
        ),
        "scoping.customerrequest": lambda found: make_request(
            found["engagements.engagement"], "Guidance on Purview sensitivity labels"
        ),
        "vas.ratecardentry": lambda found: RateCardEntryFactory(name="Adoption architect"),
        "vas.quote": lambda found: make_quote(title="Teams voice rollout"),
        "vas.quoteline": lambda found: make_quote(
            title="Intune packaging", lines=[(RateCardEntryFactory(name="Packager"), "3")]
        ).lines.get(),
        "vas.servicescontract": lambda found: (
            make_quote(title="Onsite project management", state=QuoteState.SIGNED).contract
        ),
        "sow.sowversion": lambda found: generate_sow(
            acting_user=None, engagement=found["engagements.engagement"], file_format="docx"
        ),
        "sow.signedsow": signed_sow,
        "claims.claim": claim,
        # The incentive estimates list the workloads of approved claims.
        "claims.claimworkload": lambda found: make_claim(
            workloads=("teams",), state=ClaimState.APPROVED
        ).workloads.get(),
        "claims.claimtransition": lambda found: (
            make_claim(state=ClaimState.SUBMITTED).transitions.order_by("pk").last()
        ),
        "claims.externalclaim": lambda found: ExternalClaim.objects.create(
            customer=found["customers.customer"],
            workload=Workload.objects.get(code="exchange"),
            partner_name="Northwind Advisory",
            seen_on=datetime.date(2026, 11, 2),
        ),
        "incentives.incentiverate": lambda found: IncentiveRateFactory(),
        "incentives.statement": lambda found: StatementFactory(),
        "incentives.statementline": lambda found: StatementLineFactory(
            customer=found["customers.customer"], tenant_id=found["customers.customer"].tenant_id
        ),
        "incentives.linedispute": lambda found: LineDisputeFactory(),
        "compliance.checkrun": lambda found: make_check_run(),
        "compliance.ruleresult": lambda found: make_rule_result(run=found["compliance.checkrun"]),
        # Open: the list and the API show the open findings by default.
        "compliance.finding": lambda found: make_finding(
            customer=found["customers.customer"], run=found["compliance.checkrun"]
        ),
        "satisfaction.surveyimport": lambda found: SurveyImportFactory(),
        "satisfaction.surveyresponse": lambda found: SurveyResponseFactory(),
        "notifications.notificationpreference": lambda found: NotificationPreferenceFactory(
            user=found.owned_by_signed_in_user(make_user)
        ),
        "notifications.delivery": lambda found: DeliveryFactory(
            user=found.owned_by_signed_in_user(make_user)
        ),
        "auditlog.logentry": partner_log_entry,
    }
    return Objects(makers)


def _deletable_row(model: type[models.Model]) -> models.Model:
    rows = list(model._default_manager.order_by("-pk")[:20])
    assert rows, f"Reference data should fill {model._meta.label}"
    for row in rows:
        try:
            Collector(using=DEFAULT_DB_ALIAS).collect([row])
        except ProtectedError:
            continue
        return row
    pytest.fail(f"No {model._meta.label} row can be deleted")


def sentinels(instance: models.Model) -> list[str]:
    """Text that shows ``instance`` on a page or in a response."""
    texts = [str(instance)]
    for name in (
        "name",
        "organisation_name",
        "partner_id",
        "contact_email",
        "email",
        "referral_id",
        "tenant_name",
        "object_repr",
    ):
        value = getattr(instance, name, None)
        if isinstance(value, str) and len(value) > 3:
            texts.append(value)
    return texts


def assert_not_shown(body: str, instance: models.Model) -> None:
    for text in sentinels(instance):
        assert text not in body, f"{text!r} was shown"
        assert escape(text) not in body, f"{text!r} was shown"


def assert_shown(body: str, instance: models.Model) -> None:
    assert any(escape(text) in body for text in sentinels(instance)), f"{instance} is missing"


def managers_of(label: str) -> frozenset[str]:
    """The roles that may add, change and delete records of ``label`` (their own, for the
    personal apps)."""
    app_label = label.split(".")[0]
    if app_label in roles.PERSONAL_APPS:
        return VIEW
    if app_label in roles.DELIVERY_APPS:
        return DELIVERY
    return SELLING if app_label in roles.SALES_APPS else MANAGE


def readers_of(label: str) -> frozenset[str]:
    """The roles that may read records of ``label`` at all."""
    if program_wide(label):
        return ALL_CUSTOMERS
    return {"accounts.user": USERS, "accounts.team": MANAGE, "auditlog.logentry": HISTORY}.get(
        label, VIEW
    )


def page_content(body: str) -> str:
    """The page without its frame (the header names the partner to those who may read it)."""
    match = re.search(r"<main\b.*?</main>", body, re.DOTALL)
    assert match, "pages render inside <main>"
    return match.group(0)


def sign_in(request: pytest.FixtureRequest, client: Client, role: str) -> User:
    user: User = request.getfixturevalue(ROLE_FIXTURES[role])
    client.force_login(user)
    if "objects" in request.fixturenames:
        request.getfixturevalue("objects").owner = user
    return user


def log_size() -> int:
    """Every change is audited, so an unchanged audit log means nothing was written."""
    return LogEntry.objects.count()


# --- pages -----------------------------------------------------------------------------------


OPERATIONS_METHODS = ("get", "post", "patch", "delete")


@dataclass(frozen=True)
class Page:
    url_name: str
    allowed: frozenset[str]
    kind: str  # list | detail | form | delete | action (POST only)
    target: str = ""  # the record the page is about ("app_label.model")
    arg: str = ""  # "pk": the target's pk; "history": the target's label and pk

    def url(self, objects: Objects) -> str:
        if self.arg == "pk":
            return reverse(self.url_name, kwargs={"pk": objects[self.target].pk})
        if self.arg == "history":
            return reverse(
                self.url_name,
                kwargs={"model_label": self.target, "pk": objects[self.target].pk},
            )
        return reverse(self.url_name)

    def requests(self) -> tuple[str, ...]:
        return {
            "list": ("get", *EXPORT_FORMATS),
            "detail": ("get",),
            "form": ("get", "post"),
            "delete": ("get", "post"),
            "action": ("post",),
        }[self.kind]


def catalog_pages() -> Iterator[Page]:
    for pages in CATALOG_PAGES:
        label, name = pages.model._meta.label_lower, pages.name
        yield Page(f"catalog:{name}-list", VIEW, "list", label)
        if pages.form is None:
            continue
        yield Page(f"catalog:{name}-edit", MANAGE, "form", label, "pk")
        if pages.can_create:
            yield Page(f"catalog:{name}-create", MANAGE, "form", label)
            yield Page(f"catalog:{name}-delete", MANAGE, "delete", label, "pk")


PAGES: tuple[Page, ...] = (
    Page("core:home", SIGNED_IN, "detail"),
    Page("accounts:account", SIGNED_IN, "detail"),
    Page("accounts:password_change", SIGNED_IN, "form"),
    Page("accounts:issue-token", SIGNED_IN, "action"),
    Page("accounts:revoke-token", SIGNED_IN, "action"),
    Page("accounts:user-list", USERS, "list", "accounts.user"),
    Page("accounts:team-list", MANAGE, "list", "accounts.team"),
    Page("accounts:team-create", MANAGE, "form"),
    Page("accounts:team-edit", MANAGE, "form", "accounts.team", "pk"),
    Page("accounts:team-delete", MANAGE, "delete", "accounts.team", "pk"),
    Page("partner:profile", VIEW, "detail", "partner.partnerprofile"),
    Page("partner:profile-edit", MANAGE, "form", "partner.partnerprofile"),
    Page("partner:contacts-edit", MANAGE, "form", "partner.programcontact"),
    Page("partner:referral-profile-edit", MANAGE, "form", "partner.referralprofile"),
    Page("partner:membership-create", MANAGE, "form"),
    Page("partner:membership-edit", MANAGE, "form", "partner.programmembership", "pk"),
    Page("partner:membership-delete", MANAGE, "delete", "partner.programmembership", "pk"),
    Page("partner:endorsement-create", MANAGE, "form"),
    Page("partner:endorsement-edit", MANAGE, "form", "partner.endorsement", "pk"),
    Page("partner:endorsement-delete", MANAGE, "delete", "partner.endorsement", "pk"),
    Page("directory:list", VIEW, "list", "directory.directorypartner"),
    Page("directory:create", MANAGE, "form"),
    Page("directory:detail", VIEW, "detail", "directory.directorypartner", "pk"),
    Page("directory:edit", MANAGE, "form", "directory.directorypartner", "pk"),
    Page("directory:delete", MANAGE, "delete", "directory.directorypartner", "pk"),
    Page("customers:list", VIEW, "list", "customers.customer"),
    Page("customers:columns", VIEW, "action"),
    Page("customers:import", DELIVERY, "form"),
    Page("customers:create", DELIVERY, "form"),
    Page("customers:detail", VIEW, "detail", "customers.customer", "pk"),
    Page("customers:edit", DELIVERY, "form", "customers.customer", "pk"),
    Page("customers:delete", DELIVERY, "delete", "customers.customer", "pk"),
    Page("customers:contact-create", DELIVERY, "form", "customers.customer", "pk"),
    Page("customers:contact-edit", DELIVERY, "form", "customers.customercontact", "pk"),
    Page("customers:contact-delete", DELIVERY, "delete", "customers.customercontact", "pk"),
    Page("customers:partner-contact-create", DELIVERY, "form", "customers.customer", "pk"),
    Page("customers:partner-contact-edit", DELIVERY, "form", "customers.partnercontact", "pk"),
    Page("customers:partner-contact-delete", DELIVERY, "delete", "customers.partnercontact", "pk"),
    Page("customers:licence-upload", DELIVERY, "action", "customers.customer", "pk"),
    Page("adoption:heatmap", VIEW, "list", "customers.customer"),
    Page("adoption:customer-figures", VIEW, "detail", "customers.customer", "pk"),
    Page("adoption:inactive-users", VIEW, "list", "customers.customer", "pk"),
    Page("adoption:import-detail", VIEW, "detail", "adoption.usageimport", "pk"),
    Page("adoption:import-progress", VIEW, "detail", "adoption.usageimport", "pk"),
    Page("adoption:upload", DELIVERY, "action", "customers.customer", "pk"),
    Page("adoption:manual-mau", DELIVERY, "action", "customers.customer", "pk"),
    Page("adoption:association", DELIVERY, "action", "customers.customer", "pk"),
    Page("adoption:graph-connection", DELIVERY, "action", "customers.customer", "pk"),
    Page("adoption:graph-pull", DELIVERY, "action", "customers.customer", "pk"),
    Page("referrals:list", VIEW, "list", "referrals.referral"),
    Page("referrals:detail", VIEW, "detail", "referrals.referral", "pk"),
    Page("referrals:import", DELIVERY, "form"),
    Page("referrals:create", DELIVERY, "form"),
    Page("referrals:edit", DELIVERY, "form", "referrals.referral", "pk"),
    Page("referrals:accept", DELIVERY, "form", "referrals.referral", "pk"),
    Page("referrals:decline", DELIVERY, "action", "referrals.referral", "pk"),
    Page("referrals:respond", DELIVERY, "action", "referrals.referral", "pk"),
    Page("referrals:note", DELIVERY, "action", "referrals.referral", "pk"),
    Page("engagements:list", VIEW, "list", "engagements.engagement"),
    Page("engagements:pipeline", VIEW, "detail", "engagements.engagement"),
    Page("engagements:my-work", VIEW, "detail", "engagements.engagement"),
    Page("engagements:detail", VIEW, "detail", "engagements.engagement", "pk"),
    Page("engagements:routing-note", VIEW, "detail", "engagements.engagementworkload", "pk"),
    Page("engagements:create", DELIVERY, "form"),
    Page("engagements:team", DELIVERY, "form", "engagements.engagement", "pk"),
    Page("engagements:workload-add", DELIVERY, "form", "engagements.engagement", "pk"),
    Page("engagements:note-create", DELIVERY, "form", "engagements.engagement", "pk"),
    Page("engagements:workload-status", DELIVERY, "form", "engagements.engagementworkload", "pk"),
    Page("engagements:workload-route", DELIVERY, "form", "engagements.engagementworkload", "pk"),
    Page(
        "engagements:workload-association",
        DELIVERY,
        "form",
        "engagements.engagementworkload",
        "pk",
    ),
    Page("engagements:checklist-edit", DELIVERY, "form", "engagements.checklistitem", "pk"),
    Page("engagements:move", DELIVERY, "action", "engagements.engagement", "pk"),
    Page("engagements:close", DELIVERY, "action", "engagements.engagement", "pk"),
    Page("engagements:checklist-done", DELIVERY, "action", "engagements.checklistitem", "pk"),
    Page("scoping:engagement-panel", VIEW, "detail", "engagements.engagement", "pk"),
    Page("scoping:request-list", VIEW, "list", "scoping.customerrequest"),
    Page("scoping:request-detail", VIEW, "detail", "scoping.customerrequest", "pk"),
    Page("scoping:assess", DELIVERY, "form", "engagements.engagement", "pk"),
    Page("scoping:request-create", DELIVERY, "form", "engagements.engagement", "pk"),
    Page("scoping:suggest", DELIVERY, "detail", "engagements.engagement", "pk"),
    Page("scoping:request-edit", DELIVERY, "form", "scoping.customerrequest", "pk"),
    Page("scoping:request-disclose", DELIVERY, "form", "scoping.customerrequest", "pk"),
    Page("scoping:request-contract", DELIVERY, "form", "scoping.customerrequest", "pk"),
    Page("scoping:request-status", DELIVERY, "action", "scoping.customerrequest", "pk"),
    Page("scoping:request-delete", DELIVERY, "action", "scoping.customerrequest", "pk"),
    Page("vas:engagement-panel", VIEW, "detail", "engagements.engagement", "pk"),
    Page("vas:rate-list", VIEW, "list", "vas.ratecardentry"),
    Page("vas:rate-create", SELLING, "form"),
    Page("vas:rate-edit", SELLING, "form", "vas.ratecardentry", "pk"),
    Page("vas:rate-delete", SELLING, "delete", "vas.ratecardentry", "pk"),
    Page("vas:quote-list", VIEW, "list", "vas.quote"),
    Page("vas:quote-create", SELLING, "form"),
    Page("vas:quote-detail", VIEW, "detail", "vas.quote", "pk"),
    Page("vas:quote-print", VIEW, "detail", "vas.quote", "pk"),
    Page("vas:quote-edit", SELLING, "form", "vas.quote", "pk"),
    Page("vas:quote-delete", SELLING, "delete", "vas.quote", "pk"),
    Page("vas:line-add", SELLING, "action", "vas.quote", "pk"),
    Page("vas:quote-transition", SELLING, "action", "vas.quote", "pk"),
    Page("vas:quote-sign", SELLING, "action", "vas.quote", "pk"),
    Page("vas:line-edit", SELLING, "form", "vas.quoteline", "pk"),
    Page("vas:line-delete", SELLING, "action", "vas.quoteline", "pk"),
    Page("vas:contract-list", VIEW, "list", "vas.servicescontract"),
    Page("vas:contract-edit", SELLING, "form", "vas.servicescontract", "pk"),
    Page("sow:engagement-panel", VIEW, "detail", "engagements.engagement", "pk"),
    Page("sow:generate", DELIVERY, "action", "engagements.engagement", "pk"),
    Page("sow:upload", DELIVERY, "action", "engagements.engagement", "pk"),
    Page("sow:download", VIEW, "detail", "sow.sowversion", "pk"),
    Page("sow:signed-download", VIEW, "detail", "sow.signedsow", "pk"),
    Page("sow:recheck", DELIVERY, "action", "sow.signedsow", "pk"),
    Page("sow:template-list", VIEW, "list", "sow.sowtemplate"),
    Page("sow:template-detail", VIEW, "detail", "sow.sowtemplate", "pk"),
    Page("sow:template-create", DELIVERY, "form"),
    Page("sow:template-activate", DELIVERY, "action", "sow.sowtemplate", "pk"),
    Page("claims:list", VIEW, "list", "claims.claim"),
    Page("claims:create", DELIVERY, "form"),
    Page("claims:import", DELIVERY, "form"),
    Page("claims:detail", VIEW, "detail", "claims.claim", "pk"),
    Page("claims:edit", DELIVERY, "form", "claims.claim", "pk"),
    Page("claims:delete", DELIVERY, "delete", "claims.claim", "pk"),
    Page("claims:submit", DELIVERY, "action", "claims.claim", "pk"),
    Page("claims:transition", DELIVERY, "action", "claims.claim", "pk"),
    Page("claims:export", VIEW, "detail", "claims.claim", "pk"),
    Page("claims:poe", VIEW, "detail", "claims.claim", "pk"),
    Page("claims:customer-panel", VIEW, "detail", "customers.customer", "pk"),
    Page("claims:engagement-panel", VIEW, "detail", "engagements.engagement", "pk"),
    Page("claims:external-list", VIEW, "list", "claims.externalclaim"),
    Page("claims:external-create", DELIVERY, "form"),
    Page("claims:external-edit", DELIVERY, "form", "claims.externalclaim", "pk"),
    Page("claims:external-delete", DELIVERY, "delete", "claims.externalclaim", "pk"),
    Page("incentives:estimates", VIEW, "list", "claims.claimworkload"),
    Page("incentives:rate-list", VIEW, "list", "incentives.incentiverate"),
    Page("incentives:rate-create", MANAGE, "form"),
    Page("incentives:rate-edit", MANAGE, "form", "incentives.incentiverate", "pk"),
    Page("incentives:rate-delete", MANAGE, "delete", "incentives.incentiverate", "pk"),
    Page("incentives:statement-list", ALL_CUSTOMERS, "list", "incentives.statement"),
    Page("incentives:statement-import", MANAGE, "form"),
    Page("incentives:statement-detail", ALL_CUSTOMERS, "detail", "incentives.statement", "pk"),
    Page("incentives:statement-delete", MANAGE, "delete", "incentives.statement", "pk"),
    Page("incentives:line-list", VIEW, "list", "incentives.statementline"),
    Page("incentives:line-dispute", MANAGE, "action", "incentives.statementline", "pk"),
    Page("incentives:claim-panel", VIEW, "detail", "claims.claim", "pk"),
    Page("dashboards:program", VIEW, "detail"),
    Page("dashboards:portfolio", VIEW, "detail"),
    Page("dashboards:reports", VIEW, "detail"),
    *(
        Page(f"dashboards:{report}-{file_format}", VIEW, "detail")
        for report in ("compliance", "portfolio")
        for file_format in ("pdf", "xlsx")
    ),
    Page("compliance:list", VIEW, "list", "compliance.finding"),
    Page("compliance:detail", VIEW, "detail", "compliance.finding", "pk"),
    Page("compliance:run-list", ALL_CUSTOMERS, "list", "compliance.checkrun"),
    Page("compliance:run-detail", ALL_CUSTOMERS, "detail", "compliance.checkrun", "pk"),
    Page("compliance:run-status", ALL_CUSTOMERS, "detail", "compliance.checkrun", "pk"),
    Page("compliance:run-now", MANAGE, "action"),
    Page("compliance:rules", VIEW, "detail"),
    Page("satisfaction:nsat", VIEW, "list", "satisfaction.surveyresponse"),
    Page("satisfaction:list", VIEW, "list", "satisfaction.surveyresponse"),
    Page("satisfaction:import-list", ALL_CUSTOMERS, "list", "satisfaction.surveyimport"),
    Page("satisfaction:import", MANAGE, "form"),
    Page("satisfaction:import-delete", MANAGE, "delete", "satisfaction.surveyimport", "pk"),
    Page("satisfaction:customer-panel", VIEW, "detail", "customers.customer", "pk"),
    Page("notifications:preferences", VIEW, "form"),
    Page("notifications:test", VIEW, "action"),
    Page("notifications:digest-now", VIEW, "action"),
    Page("catalog:workload-detail", VIEW, "detail", "catalog.workload", "pk"),
    Page("catalog:sku-list", VIEW, "list", "catalog.sku"),
    Page("catalog:sku-detail", VIEW, "detail", "catalog.sku", "pk"),
    *catalog_pages(),
    Page("history:audit", HISTORY, "list", "auditlog.logentry"),
    Page("history:object", HISTORY, "detail", "directory.directorypartner", "history"),
    Page("history:object", HISTORY, "detail", "partner.partnerprofile", "history"),
    Page("history:object", HISTORY, "detail", "catalog.workload", "history"),
    Page("history:object", HISTORY, "detail", "customers.customer", "history"),
    # Both the history permission and the right to view the record are needed.
    Page("history:object", HISTORY & USERS, "detail", "accounts.user", "history"),
)

# Pages (and their exports) that show their record to those allowed to see it.
SHOWS_TARGET = {
    "accounts:user-list",
    "accounts:team-list",
    "partner:profile",
    "directory:list",
    "directory:detail",
    "customers:list",
    "customers:detail",
    "adoption:heatmap",
    "referrals:list",
    "referrals:detail",
    "engagements:list",
    "engagements:detail",
    "history:audit",
}

PAGE_REQUESTS = [
    pytest.param(page, how, id=f"{page.url_name}:{page.target or '-'}:{how}")
    for page in PAGES
    for how in page.requests()
]


def request_page(client: Client, page: Page, how: str, objects: Objects) -> Any:
    url = page.url(objects)
    if how == "post":
        return client.post(url)
    if how in EXPORT_FORMATS:
        return client.get(url, {"export": how})
    return client.get(url)


def exported_text(response: Any, export_format: str) -> str:
    """The cells of an export, as text (escaped like HTML, for ``assert_shown``)."""
    if export_format == "csv":
        return escape(response.content.decode("utf-8-sig"))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    cells = (
        cell for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row
    )
    return escape("\n".join(str(cell) for cell in cells if cell is not None))


def test_every_page_is_in_the_matrix() -> None:
    """A new URL pattern in an app's urls.py must be added to PAGES (or to the catalog)."""
    from django.urls import get_resolver

    covered = {page.url_name for page in PAGES}
    ignored = {"accounts:login", "accounts:logout"}  # public by design
    names = set()
    for namespace, (_prefix, resolver) in get_resolver().namespace_dict.items():
        if namespace != "admin":  # Django's, for staff; see test_django_admin_is_for_staff_only
            names |= {
                f"{namespace}:{name}" for name in resolver.reverse_dict if isinstance(name, str)
            }
    assert names - ignored - covered == set()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("page", "how"), PAGE_REQUESTS)
def test_page_access(
    request: pytest.FixtureRequest,
    client: Client,
    objects: Objects,
    page: Page,
    how: str,
    role: str,
) -> None:
    sign_in(request, client, role)
    target = objects.target(page.target)
    before = log_size()

    response = request_page(client, page, how, objects)

    body = response.content.decode(errors="replace")
    if role not in page.allowed:
        assert response.status_code == 403
        assert response["Content-Type"].startswith("text/html")
        assert "attachment" not in response.get("Content-Disposition", "")
        assert 'data-testid="forbidden"' in body
        if target is not None:
            # Nothing of the record in the refusal; nothing at all to those who may not read it.
            may_read = role in readers_of(page.target)
            assert_not_shown(page_content(body) if may_read else body, target)
            assert type(target)._default_manager.filter(pk=target.pk).exists()
        assert log_size() == before, "a refused request changed data"
        return

    if role == OTHER_TEAM and target is not None and of_a_customer(page.target):
        assert_hidden_from_another_team(response, page, how, target)
        assert log_size() == before, "a request about another team's record changed data"
        return

    if how in EXPORT_FORMATS:
        assert response.status_code == 200
        assert response["Content-Type"] == EXPORT_FORMATS[how]
        assert response["Content-Disposition"].startswith("attachment;")
        if page.url_name in SHOWS_TARGET:
            assert_shown(exported_text(response, how), target)
    elif page.kind == "delete" and how == "post":
        assert response.status_code == 302
        assert not type(target)._default_manager.filter(pk=target.pk).exists()
    elif (
        page.kind == "action" or how == "post"
    ):  # done and redirected, or the form shown again with its errors
        assert response.status_code in (200, 302)
    else:
        assert response.status_code == 200
        if page.url_name in SHOWS_TARGET:
            assert_shown(body, target)
        if page.url_name == "history:object":
            assert 'data-testid="history"' in body
            has_entries = LogEntry.objects.get_for_object(target).exists()
            assert ("No recorded changes yet." in body) is not has_entries
    if how != "post":
        assert log_size() == before, "reading a page changed data"


def assert_hidden_from_another_team(response: Any, page: Page, how: str, target: Any) -> None:
    """The page of a record answers as if it did not exist; a list leaves it out."""
    body = response.content.decode(errors="replace")
    if page.arg:
        assert response.status_code == 404
        assert_not_shown(body, target)
    elif how in EXPORT_FORMATS:
        assert response.status_code == 200
        assert_not_shown(exported_text(response, how), target)
    else:
        assert response.status_code in (200, 302)
        if response.status_code == 200:
            assert_not_shown(page_content(body), target)
    assert type(target)._default_manager.filter(pk=target.pk).exists()


# What a user without a role may open, and two refusals: none may show the partner's data.
OUTSIDER_PAGES = [
    pytest.param(page, id=f"{page.url_name}:{page.target or '-'}")
    for page in PAGES
    if (NO_ROLE in page.allowed and "get" in page.requests())
    or page.url_name in ("partner:profile", "directory:detail")
]


@pytest.mark.parametrize("page", OUTSIDER_PAGES)
def test_user_without_role_sees_no_partner_data(
    client: Client, objects: Objects, outsider: User, page: Page
) -> None:
    partner_data = (
        "partner.partnerprofile",
        "partner.programcontact",
        "partner.programmembership",
        "directory.directorypartner",
    )
    objects.make(*partner_data)
    client.force_login(outsider)
    response = client.get(page.url(objects))
    assert response.status_code == (200 if NO_ROLE in page.allowed else 403)
    body = response.content.decode()
    for label in partner_data:
        assert_not_shown(body, objects[label])
    assert "Avery Morgan" not in body  # the SPOC


@pytest.mark.parametrize(("page", "how"), PAGE_REQUESTS)
def test_anonymous_page_access_redirects_to_login(
    client: Client, objects: Objects, page: Page, how: str
) -> None:
    target = objects.target(page.target)
    before = log_size()

    response = request_page(client, page, how, objects)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login") + "?next=")
    if target is not None:
        assert type(target)._default_manager.filter(pk=target.pk).exists()
    assert log_size() == before


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_django_admin_is_for_staff_only(
    request: pytest.FixtureRequest, client: Client, role: str
) -> None:
    sign_in(request, client, role)
    response = client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


# --- API -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    path: str
    model: type[models.Model]
    readers: frozenset[str]
    singleton: bool = False
    methods: frozenset[str] = frozenset(OPERATIONS_METHODS)

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    def url(self, operation: str, objects: Objects) -> str:
        if self.singleton or operation in ("list", "create"):
            return self.path
        return f"{self.path}{objects[self.label].pk}/"


# The viewset method behind each write: a viewset without it answers 405.
HANDLERS = {"post": "create", "patch": "partial_update", "delete": "destroy"}


def router_endpoints() -> Iterator[Endpoint]:
    for prefix, viewset, _basename in router.registry:
        model = viewset.queryset.model
        yield Endpoint(
            f"/api/{prefix}/",
            model,
            HISTORY if prefix in HISTORY_ENDPOINTS else readers_of(model._meta.label_lower),
            methods=frozenset(
                method
                for method in viewset.http_method_names
                if hasattr(viewset, HANDLERS.get(method, "list"))
            ),
        )


def singleton_endpoints() -> Iterator[Endpoint]:
    from frpdesk.partner.models import PartnerProfile

    yield Endpoint("/api/partner/profile/", PartnerProfile, VIEW, singleton=True)
    yield Endpoint("/api/partner/referral-profile/", ReferralProfile, VIEW, singleton=True)
    read_only = frozenset({"get"})
    yield Endpoint("/api/dashboards/program/", Finding, VIEW, singleton=True, methods=read_only)
    yield Endpoint("/api/dashboards/portfolio/", Customer, VIEW, singleton=True, methods=read_only)


ENDPOINTS = (*router_endpoints(), *singleton_endpoints())
OPERATIONS = {
    "list": "get",
    "detail": "get",
    "create": "post",
    "update": "patch",
    "delete": "delete",
}


def endpoint_operations(endpoint: Endpoint) -> tuple[str, ...]:
    if endpoint.singleton:  # retrieve and update; create and delete are refused
        return ("detail", "create", "update", "delete")
    return tuple(OPERATIONS)


API_REQUESTS = [
    pytest.param(endpoint, operation, id=f"{endpoint.path}:{operation}")
    for endpoint in ENDPOINTS
    for operation in endpoint_operations(endpoint)
]


def expected_api_status(endpoint: Endpoint, operation: str, role: str) -> set[int]:
    expected = _expected_for_role(endpoint, operation, role)
    scoped_record = of_a_customer(endpoint.label) and not endpoint.singleton
    if role == OTHER_TEAM and scoped_record and operation != "list":
        # Past the role's check, another team's record is not found.
        return {404 if status in (200, 204) else status for status in expected}
    return expected


def _expected_for_role(endpoint: Endpoint, operation: str, role: str) -> set[int]:
    if operation in ("list", "detail"):
        return {200} if role in endpoint.readers else {403}
    refused_method = OPERATIONS[operation] not in endpoint.methods or (
        endpoint.singleton and operation in ("create", "delete")
    )
    if refused_method:
        return {403, 405}
    if role not in managers_of(endpoint.label):
        return {403}
    # An empty create fails validation, which shows the request got past the permission check.
    return {"create": {400}, "update": {200}, "delete": {204}}[operation]


def call_api(client: Client, method: str, url: str, **headers: str) -> Any:
    if method in ("post", "patch"):
        return getattr(client, method)(url, {}, content_type="application/json", **headers)
    return getattr(client, method)(url, **headers)


def assert_refused_json(response: Any) -> None:
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    assert set(data) == {"detail"}, "a refusal carries a message and no data"
    assert data["detail"]


def test_read_only_endpoints_are_classified() -> None:
    """A new read-only viewset must be added to READ_ONLY_ENDPOINTS, and vice versa."""
    without_create = {
        prefix for prefix, viewset, _ in router.registry if not hasattr(viewset, "create")
    }
    assert without_create == READ_ONLY_ENDPOINTS


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("endpoint", "operation"), API_REQUESTS)
def test_api_access(
    request: pytest.FixtureRequest,
    client: Client,
    objects: Objects,
    endpoint: Endpoint,
    operation: str,
    role: str,
) -> None:
    sign_in(request, client, role)
    target = objects[endpoint.label]
    rows = endpoint.model._default_manager.count()
    before = log_size()

    response = call_api(client, OPERATIONS[operation], endpoint.url(operation, objects))

    expected = expected_api_status(endpoint, operation, role)
    assert response.status_code in expected, response.content
    if response.status_code >= 400:
        if response.status_code == 400:
            assert response.json()["errors"]
        else:
            assert_refused_json(response)
        assert endpoint.model._default_manager.count() == rows
        assert endpoint.model._default_manager.filter(pk=target.pk).exists()
        assert log_size() == before, "a refused request changed data"
        return
    if operation == "list" and role == OTHER_TEAM and of_a_customer(endpoint.label):
        assert target.pk not in [row.get("id") for row in response.json()["results"]]
    elif operation == "list":
        assert response.json()["count"] >= 1
    elif operation == "detail" and not endpoint.singleton:
        assert response.json()["id"] == target.pk
    elif operation == "delete":
        assert not endpoint.model._default_manager.filter(pk=target.pk).exists()
    if operation in ("list", "detail"):
        assert log_size() == before, "reading changed data"


def extra_actions() -> Iterator[Any]:
    for prefix, viewset, _basename in router.registry:
        for extra in viewset.get_extra_actions():
            for method in extra.mapping:
                yield pytest.param(
                    prefix, viewset, extra, method, id=f"{prefix}:{extra.url_path}:{method}"
                )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("prefix", "viewset", "extra", "method"), list(extra_actions()))
def test_api_extra_actions_are_for_program_administrators(
    request: pytest.FixtureRequest,
    client: Client,
    objects: Objects,
    prefix: str,
    viewset: Any,
    extra: Any,
    method: str,
    role: str,
) -> None:
    sign_in(request, client, role)
    target = objects[viewset.queryset.model._meta.label_lower]
    url = (
        f"/api/{prefix}/{target.pk}/{extra.url_path}/"
        if extra.detail
        else f"/api/{prefix}/{extra.url_path}/"
    )
    before = log_size()

    response = call_api(client, method, url)

    label = viewset.queryset.model._meta.label_lower
    if role == OTHER_TEAM and extra.detail and of_a_customer(label):
        assert response.status_code in (403, 404)
        assert_refused_json(response)
        assert log_size() == before
    elif method == "get" and role in readers_of(label):
        assert response.status_code == 200
    elif role in managers_of(label) or (role in MANAGE and method != "get"):
        # An empty upload is refused by validation: the request got past the permission check.
        assert response.status_code in (200, 400, 415)
    else:
        assert response.status_code == 403
        assert_refused_json(response)
        assert log_size() == before


ME = Endpoint("/api/me/", User, readers=SIGNED_IN, singleton=True)
# The API root and the API's description hold no records: every signed-in user may read them.
DESCRIPTION_PATHS = ("/api/", "/api/schema/", "/api/docs/")


def test_every_api_view_is_in_the_matrix() -> None:
    """API views outside the router must be added to singleton_endpoints (or be ME)."""
    from frpdesk.accounts import api_urls as accounts_api
    from frpdesk.dashboards import api_urls as dashboards_api
    from frpdesk.partner import api_urls as partner_api

    paths = {
        f"/api/{url.pattern}"
        for module in (accounts_api, partner_api, dashboards_api)
        for url in module.urlpatterns
    }
    covered = {endpoint.path for endpoint in (*ENDPOINTS, ME)}
    assert paths - covered == set()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", [ME.path, *DESCRIPTION_PATHS])
def test_api_views_for_every_signed_in_user(
    request: pytest.FixtureRequest, client: Client, objects: Objects, role: str, path: str
) -> None:
    objects.make("partner.partnerprofile", "directory.directorypartner")
    user = sign_in(request, client, role)
    response = client.get(path)
    assert response.status_code == 200
    body = response.content.decode()
    for label in ("partner.partnerprofile", "directory.directorypartner"):
        assert_not_shown(body, objects[label])
    if path == ME.path:
        assert response.json()["username"] == user.username
        assert response.json()["roles"] == (
            {NO_ROLE: [], OTHER_TEAM: [roles.DELIVERY_CONSULTANT]}.get(role, [role])
        )


ANONYMOUS_API_REQUESTS = [*API_REQUESTS, pytest.param(ME, "detail", id=ME.path)]


@pytest.mark.parametrize(("endpoint", "operation"), ANONYMOUS_API_REQUESTS)
def test_anonymous_api_access_is_refused(
    client: Client, objects: Objects, endpoint: Endpoint, operation: str
) -> None:
    objects.make(endpoint.label)
    rows = endpoint.model._default_manager.count()
    before = log_size()

    response = call_api(client, OPERATIONS[operation], endpoint.url(operation, objects))

    assert response.status_code in (401, 403)
    assert_refused_json(response)
    assert endpoint.model._default_manager.count() == rows
    assert log_size() == before


@pytest.mark.parametrize("path", DESCRIPTION_PATHS)
def test_anonymous_cannot_read_the_api_description(client: Client, path: str) -> None:
    response = client.get(path)
    if path.endswith("/docs/"):  # an HTML page: a refusal or the way to the login page
        assert response.status_code in (302, 401, 403)
    else:  # the schema answers in its own format (YAML unless JSON is asked for)
        assert response.status_code in (401, 403)
    if path == "/api/":
        assert_refused_json(response)
    body = response.content.decode()
    assert "openapi" not in body.lower()
    assert "/api/directory/" not in body


# --- token authentication --------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_token_carries_the_roles(
    request: pytest.FixtureRequest, client: Client, objects: Objects, role: str
) -> None:
    user: User = request.getfixturevalue(ROLE_FIXTURES[role])
    auth = {"HTTP_AUTHORIZATION": token_header(user)}
    partner = objects["directory.directorypartner"]
    detail = f"/api/directory/{partner.pk}/"

    listed = client.get("/api/directory/", **auth)
    changed = client.patch(detail, {"notes": "Token edit"}, content_type="application/json", **auth)

    if role in VIEW:
        assert listed.status_code == 200
        assert [row["name"] for row in listed.json()["results"]] == [partner.name]
    else:
        assert listed.status_code == 403
        assert_refused_json(listed)
    if role in MANAGE:
        assert changed.status_code == 200
        assert changed.json()["notes"] == "Token edit"
    else:
        assert changed.status_code == 403
        assert_refused_json(changed)
        partner.refresh_from_db()
        assert partner.notes == ""


@pytest.mark.parametrize(
    "header", ["Token not-a-real-token", "Bearer whatever", "Token"], ids=["bad", "scheme", "empty"]
)
def test_bad_token_is_refused(client: Client, objects: Objects, header: str) -> None:
    response = client.get("/api/directory/", HTTP_AUTHORIZATION=header)
    assert response.status_code in (401, 403)
    assert_refused_json(response)


def test_token_of_a_deactivated_user_is_refused(
    client: Client, objects: Objects, program_admin: User
) -> None:
    authorization = token_header(program_admin)
    program_admin.is_active = False
    program_admin.save()
    response = client.get("/api/directory/", HTTP_AUTHORIZATION=authorization)
    assert response.status_code == 401
    assert_refused_json(response)


@pytest.mark.parametrize(("endpoint", "operation"), API_REQUESTS)
def test_read_token_only_reads_whatever_the_role_allows(
    client: Client, objects: Objects, program_admin: User, endpoint: Endpoint, operation: str
) -> None:
    """The token's scope limits even a program administrator, on every endpoint."""
    authorization = token_header(program_admin, scope=TokenScope.READ)
    objects.owner = program_admin
    target = objects[endpoint.label]
    rows = endpoint.model._default_manager.count()
    before = log_size()

    response = call_api(
        client,
        OPERATIONS[operation],
        endpoint.url(operation, objects),
        HTTP_AUTHORIZATION=authorization,
    )

    if operation in ("list", "detail"):
        assert response.status_code == 200
        return
    assert response.status_code == 403, response.content
    assert "scope is read" in response.json()["detail"]
    assert endpoint.model._default_manager.count() == rows
    assert endpoint.model._default_manager.filter(pk=target.pk).exists()
    assert log_size() == before


# --- role groups -----------------------------------------------------------------------------


def current_models_by_app() -> dict[str, list[str]]:
    models_by_app: dict[str, list[str]] = {}
    for model in apps.get_models():
        models_by_app.setdefault(model._meta.app_label, []).append(str(model._meta.model_name))
    return models_by_app


@pytest.mark.django_db
def test_role_groups_are_exactly_the_presets() -> None:
    assert set(Group.objects.values_list("name", flat=True)) == set(roles.ROLE_PRESETS)


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(roles.ROLE_PRESETS))
def test_role_group_grants_exactly_its_preset(role: str) -> None:
    """Fails when a model is added without a migration that syncs the role presets again."""
    group = Group.objects.get(name=role)
    granted = {
        f"{permission.content_type.app_label}.{permission.codename}"
        for permission in group.permissions.select_related("content_type")
    }
    wanted = roles.preset_permissions(roles.ROLE_PRESETS[role], current_models_by_app())
    assert sorted(granted - wanted) == [], "granted but not in the preset"
    assert sorted(wanted - granted) == [], "in the preset but not granted"
