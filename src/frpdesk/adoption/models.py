"""Usage of a tenant's workloads: imported reports, the per-user ledger and the figures.

- ``UsageImport``: one usage report file (uploaded, sent to the API, given to the CLI or pulled
  from Microsoft Graph) and the job that imports it, with its progress and outcome.
- ``ActivityLedger``: every user seen in a tenant's reports with their latest activity per
  workload, kept column-wise (Parquet) because tenants have up to millions of users and one report
  rewrites most of them.
- ``UsagePoint``: MAU, PAU and AU% of one workload on one report refresh date.
- ``PartnerAssociation``: the date the partner's claim on a workload was approved (the start of
  "our" adoption; figures before it form the starting peak).
- ``GraphConnection``: the app registration used to pull a tenant's reports.
"""

from django.conf import settings
from django.db import models

from frpdesk.catalog.models import Workload
from frpdesk.core.crypto import EncryptedTextField
from frpdesk.customers.models import Customer


class ReportType(models.TextChoices):
    OFFICE365_ACTIVE_USERS = "office365_active_user_detail", "Office 365 active user detail"
    EMAIL = "email_activity_user_detail", "Email activity user detail"
    ONEDRIVE = "onedrive_activity_user_detail", "OneDrive activity user detail"
    SHAREPOINT = "sharepoint_activity_user_detail", "SharePoint activity user detail"
    TEAMS = "teams_user_activity_user_detail", "Teams user activity user detail"
    M365_APPS = "m365_app_user_detail", "Microsoft 365 Apps user detail"
    YAMMER = "yammer_activity_user_detail", "Viva Engage (Yammer) activity user detail"
    COPILOT = "copilot_usage_user_detail", "Microsoft 365 Copilot usage user detail"


class ImportSource(models.TextChoices):
    UPLOAD = "upload", "Uploaded in the browser"
    API = "api", "API"
    CLI = "cli", "Command line"
    GRAPH = "graph", "Pulled from Microsoft Graph"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class UsageImport(models.Model):
    """A usage report file and the job importing it (all or nothing)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="usage_imports")
    file_name = models.CharField(max_length=255)
    file = models.FileField(upload_to="usage-reports/%Y/%m/", blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0)
    content_hash = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the file.")
    source = models.CharField(max_length=10, choices=ImportSource.choices)
    report_type = models.CharField(max_length=40, choices=ReportType.choices, blank=True)
    refresh_date = models.DateField(null=True, blank=True)
    period_days = models.PositiveSmallIntegerField(null=True, blank=True)
    rows = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done.")
    stage = models.CharField(max_length=120, blank=True)
    message = models.TextField(blank=True, help_text="The outcome, or what is wrong and where.")
    warnings = models.JSONField(default=list, blank=True)
    summary = models.JSONField(
        default=dict, blank=True, help_text="{workload: {licensed, active_in_period, mau}}."
    )
    changed = models.BooleanField(default=False, help_text="Whether the import changed anything.")
    task_id = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    progressed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the import last moved on a stage."
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    customer_path = "customer"

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} for {self.customer}"

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)


class ActivityLedger(models.Model):
    """Every user seen in a tenant's usage reports, with their latest activity per workload."""

    customer = models.OneToOneField(
        Customer, on_delete=models.CASCADE, primary_key=True, related_name="activity_ledger"
    )
    data = models.BinaryField(help_text="Parquet: one row per user (see adoption.ledger).")
    users = models.PositiveIntegerField(default=0)
    concealed_users = models.PositiveIntegerField(default=0)
    newest_refresh_date = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    customer_path = "customer"

    def __str__(self) -> str:
        return f"Activity of {self.users} users of {self.customer}"


class UsageSource(models.TextChoices):
    REPORT = "report", "Usage report"
    MANUAL = "manual", "Manual entry"


class UsagePoint(models.Model):
    """MAU, PAU and AU% of one workload of a tenant on one report refresh date."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="usage_points")
    workload = models.ForeignKey(Workload, on_delete=models.PROTECT, related_name="+")
    refresh_date = models.DateField(help_text="The date of the newest data in the report.")
    source = models.CharField(max_length=10, choices=UsageSource.choices)
    mau = models.PositiveIntegerField(
        "MAU", help_text="Distinct non-deleted users active in the 28 days ending on the date."
    )
    licensed = models.PositiveIntegerField(null=True, blank=True)
    active_in_period = models.PositiveIntegerField(
        null=True, blank=True, help_text="Users active in the report's own period (deleted too)."
    )
    period_days = models.PositiveSmallIntegerField(null=True, blank=True)
    pau = models.PositiveIntegerField(
        "PAU", null=True, blank=True, help_text="Paid available units carrying the workload."
    )
    pau_as_of = models.DateField(
        "PAU as of", null=True, blank=True, help_text="The licence snapshot the PAU comes from."
    )
    au_pct = models.DecimalField(
        "AU%", max_digits=12, decimal_places=2, null=True, blank=True, help_text="MAU ÷ PAU."
    )
    note = models.CharField(max_length=300, blank=True)
    usage_import = models.ForeignKey(
        UsageImport, on_delete=models.SET_NULL, null=True, blank=True, related_name="points"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    customer_path = "customer"

    class Meta:
        ordering = ["customer", "workload__sort_order", "-refresh_date"]
        get_latest_by = "refresh_date"
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "workload", "refresh_date"],
                name="one_usage_point_per_workload_and_day",
            )
        ]
        indexes = [models.Index(fields=["workload", "refresh_date"])]

    def __str__(self) -> str:
        return f"{self.customer} {self.workload.code} {self.refresh_date.isoformat()}: {self.mau}"


class PartnerAssociation(models.Model):
    """When the partner became associated with a tenant's workload (its claim was approved)."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="partner_associations"
    )
    workload = models.ForeignKey(Workload, on_delete=models.PROTECT, related_name="+")
    associated_on = models.DateField()
    note = models.CharField(max_length=300, blank=True)

    customer_path = "customer"

    class Meta:
        ordering = ["customer", "workload__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "workload"], name="one_association_per_workload"
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer} {self.workload.code} since {self.associated_on.isoformat()}"


class PullStatus(models.TextChoices):
    NEVER = "never", "Never pulled"
    OK = "ok", "Pulled"
    FAILED = "failed", "Failed"


class GraphConnection(models.Model):
    """A customer's app registration (client credentials) for reading its usage reports."""

    customer = models.OneToOneField(
        Customer, on_delete=models.CASCADE, primary_key=True, related_name="graph_connection"
    )
    tenant_id = models.UUIDField("Tenant ID", help_text="Directory (tenant) ID to sign in to.")
    client_id = models.UUIDField("Client ID", help_text="Application (client) ID.")
    client_secret = EncryptedTextField(help_text="Stored encrypted.")
    enabled = models.BooleanField(default=True, help_text="Pulled daily while enabled.")
    last_pulled_at = models.DateTimeField(null=True, blank=True)
    last_status = models.CharField(
        max_length=10, choices=PullStatus.choices, default=PullStatus.NEVER
    )
    last_message = models.TextField(blank=True)

    customer_path = "customer"

    def __str__(self) -> str:
        return f"Microsoft Graph connection of {self.customer}"
