"""Customers (Microsoft 365 tenants) and the people on both sides of the work."""

from django.conf import settings
from django.db import models
from django_countries.fields import CountryField

from frpdesk.catalog.models import Workload
from frpdesk.core.choices import industries, labels, languages
from frpdesk.core.models import TimeStampedModel


class Segment(models.TextChoices):
    ENTERPRISE = "enterprise", "Enterprise"
    CORPORATE = "corporate", "SMC-Corporate"
    SMB = "smb", "SMB"
    PUBLIC_SECTOR = "public_sector", "Public sector"
    EDUCATION = "education", "Education"


class Tag(models.Model):
    name = models.CharField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Customer(TimeStampedModel):
    """A customer's Microsoft 365 tenant, the unit the FastTrack Benefit is counted on."""

    name = models.CharField(max_length=200)
    tenant_id = models.UUIDField("Tenant ID", unique=True)
    tpid = models.CharField(
        "TPID", max_length=20, blank=True, help_text="Microsoft's top parent ID."
    )
    primary_domain = models.CharField(max_length=253, blank=True)
    country = CountryField(blank=True)
    industry = models.CharField(max_length=40, blank=True, choices=industries)
    segment = models.CharField(max_length=20, blank=True, choices=Segment.choices)
    is_edu = models.BooleanField(
        "EDU", default=False, help_text="Education tenant (AU% may exceed 100%)."
    )
    is_government_cloud = models.BooleanField("Government cloud", default=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_customers",
    )
    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="customers",
        help_text="Who serves the customer. Without a team, only those who see all customers "
        "(program administrators, executives, auditors) see it.",
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="customers")
    notes = models.TextField(blank=True)

    # Rows about a customer say how to reach it, for ``core.access.restrict``.
    customer_path = ""

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ContactRole(models.TextChoices):
    SPONSOR = "sponsor", "Sponsor"
    IT_LEAD = "it_lead", "IT lead"
    PROJECT_MANAGER = "project_manager", "Project manager"
    TECHNICAL = "technical", "Technical contact"
    ADOPTION = "adoption", "Adoption / change lead"
    OTHER = "other", "Other"


class CustomerContact(TimeStampedModel):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    email = models.EmailField()
    title = models.CharField(max_length=120, blank=True)
    role = models.CharField(max_length=20, choices=ContactRole.choices, default=ContactRole.OTHER)
    country = CountryField(blank=True)
    survey_language = models.CharField(max_length=10, blank=True, choices=languages)
    services_assisted = models.ManyToManyField(Workload, blank=True, related_name="+")
    survey_eligible = models.BooleanField(
        default=False, help_text="May receive Microsoft's customer satisfaction survey."
    )

    customer_path = "customer"

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "email"], name="unique_customer_contact_email"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    @property
    def survey_language_name(self) -> str:
        return labels(languages(), [self.survey_language])[0] if self.survey_language else ""


class PartnerRole(models.TextChoices):
    ENGAGEMENT_LEAD = "engagement_lead", "Engagement lead"
    CONSULTANT = "consultant", "Delivery consultant"
    ACCOUNT_MANAGER = "account_manager", "Account manager"
    SALES = "sales", "Sales"


class PartnerContact(TimeStampedModel):
    """One of our people assigned to a customer."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="partner_contacts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="customer_assignments"
    )
    role = models.CharField(
        max_length=20, choices=PartnerRole.choices, default=PartnerRole.CONSULTANT
    )

    customer_path = "customer"

    class Meta:
        ordering = ["role", "user__last_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "user", "role"], name="unique_partner_contact"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"
