"""Licence snapshots of a tenant and the eligibility computed from the newest one."""

from django.conf import settings
from django.db import models

from frpdesk.catalog.models import Sku, Workload
from frpdesk.customers.models import Customer


class SnapshotSource(models.TextChoices):
    GRAPH_JSON = "graph_json", "Microsoft Graph subscribedSkus JSON"
    CSV = "csv", "CSV (sku_part_number, enabled, suspended, warning, consumed)"
    API = "api", "API"


class LicenseSnapshot(models.Model):
    """The licences of a tenant on one day. One per tenant and day; history is kept."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="snapshots")
    as_of = models.DateField()
    source = models.CharField(max_length=20, choices=SnapshotSource.choices)
    file_name = models.CharField(max_length=255, blank=True)
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of the normalised lines.")
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now=True)

    customer_path = "customer"

    class Meta:
        ordering = ["customer", "-as_of"]
        get_latest_by = "as_of"
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "as_of"], name="one_snapshot_per_tenant_and_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer} licences as of {self.as_of.isoformat()}"


class SnapshotLine(models.Model):
    """One SKU of a snapshot. ``sku`` is empty for SKUs the catalog does not know (yet)."""

    snapshot = models.ForeignKey(LicenseSnapshot, on_delete=models.CASCADE, related_name="lines")
    sku_part_number = models.CharField(max_length=120)
    sku_guid = models.UUIDField(null=True, blank=True)
    sku = models.ForeignKey(Sku, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    enabled = models.PositiveIntegerField(default=0)
    suspended = models.PositiveIntegerField(default=0)
    warning = models.PositiveIntegerField(default=0)
    locked_out = models.PositiveIntegerField(default=0)
    consumed = models.PositiveIntegerField(default=0)
    capability_status = models.CharField(max_length=20, blank=True)

    customer_path = "snapshot__customer"

    class Meta:
        ordering = ["sku_part_number"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "sku_part_number"], name="one_line_per_sku")
        ]

    def __str__(self) -> str:
        return f"{self.sku_part_number}: {self.enabled}"


class Migration(models.TextChoices):
    GUIDANCE_ONLY = "guidance_only", "Migration guidance only"
    FASTTRACK_MIGRATION = (
        "fasttrack_migration",
        "Eligible for Microsoft's FastTrack migration service",
    )


class Eligibility(models.Model):
    """The eligibility of a tenant from its newest snapshot; recomputed, never edited."""

    customer = models.OneToOneField(
        Customer, on_delete=models.CASCADE, primary_key=True, related_name="eligibility"
    )
    snapshot = models.ForeignKey(
        LicenseSnapshot, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    as_of = models.DateField()
    eligible = models.BooleanField()
    eligible_seats = models.PositiveIntegerField()
    workloads = models.JSONField(
        help_text="{code: {eligible, eligible_seats, pau, migration}} for every catalog workload."
    )
    eligible_workloads = models.ManyToManyField(Workload, blank=True, related_name="+")
    unknown_skus = models.JSONField(default=list)
    reasons = models.JSONField(default=list)
    computed_at = models.DateTimeField(auto_now=True)

    customer_path = "customer"

    class Meta:
        verbose_name_plural = "eligibilities"

    def __str__(self) -> str:
        state = "eligible" if self.eligible else "not eligible"
        return (
            f"{self.customer}: {state} ({self.eligible_seats} seats) as of {self.as_of.isoformat()}"
        )
