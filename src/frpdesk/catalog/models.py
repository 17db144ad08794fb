"""The program catalog: the FastTrack rules of DESIGN.md §2 as editable, audited reference data."""

from django.db import models

from frpdesk.core.fields import StringListField


class CatalogRelease(models.Model):
    """Which version of a shipped data file was last loaded, so upgrades are traceable."""

    name = models.CharField(max_length=60, unique=True)
    version = models.CharField(max_length=40)
    loaded_at = models.DateTimeField(auto_now=True)
    detail = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


class Workload(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    qualifying_service_plans = StringListField(
        help_text="Service plan names (Service_Plan_Name) that make a SKU carry this workload."
    )
    has_usage_report = models.BooleanField(
        default=True, help_text="Whether Microsoft publishes a per-user usage report for it."
    )
    data_migration_applies = models.BooleanField(
        default=False, help_text="Whether the data-migration tiers apply (150–499 / 500+ seats)."
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class OutOfScopeItem(models.Model):
    """Work beyond the Benefit for a workload (from the FastTrack service description)."""

    workload = models.ForeignKey(Workload, on_delete=models.CASCADE, related_name="out_of_scope")
    description = models.CharField(max_length=300)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["workload__sort_order", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workload", "description"], name="unique_out_of_scope_item"
            )
        ]

    def __str__(self) -> str:
        return f"{self.workload.code}: {self.description}"


class EligiblePlan(models.Model):
    """A licence plan (by String_Id) whose paid seats count towards Benefit eligibility."""

    string_id = models.CharField("String_Id", max_length=120, unique=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["string_id"]

    def __str__(self) -> str:
        return self.string_id


class NonPaidSkuMarker(models.Model):
    """A word in a SKU's String_Id or name that marks it free, trial or developer: not paid."""

    marker = models.CharField(max_length=40, unique=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["marker"]
        verbose_name = "non-paid SKU marker"

    def __str__(self) -> str:
        return self.marker


class Threshold(models.Model):
    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    value = models.DecimalField(max_digits=10, decimal_places=2)
    unit = models.CharField(max_length=30)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}: {self.display_value}"

    @property
    def display_value(self) -> str:
        value = self.value.normalize() if self.value == self.value.to_integral() else self.value
        return f"{value:f} {self.unit}"


class ScopeQuestion(models.Model):
    number = models.PositiveSmallIntegerField(unique=True)
    text = models.CharField(max_length=300)
    vas_if_no = models.CharField("VAS opportunity if the answer is no", max_length=200, blank=True)
    suggested_vas = models.ForeignKey(
        "VasItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="VAS catalog item suggested by a no",
    )

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"


class VasItem(models.Model):
    """A value-added service the partner sells; never part of the free Benefit."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=400, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "VAS catalog item"

    def __str__(self) -> str:
        return self.name


class DeliveryStatus(models.Model):
    """One entry of the L1/L2 status taxonomy; L3 is free text on the workload."""

    level1 = models.CharField("L1", max_length=60)
    level2 = models.CharField("L2", max_length=80, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order"]
        verbose_name_plural = "delivery statuses"
        constraints = [
            models.UniqueConstraint(fields=["level1", "level2"], name="unique_delivery_status")
        ]

    def __str__(self) -> str:
        return f"{self.level1} – {self.level2}" if self.level2 else self.level1


class DeliveryPhase(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)
    sort_order = models.PositiveSmallIntegerField(default=0)
    optional = models.BooleanField(default=False)

    class Meta:
        ordering = ["sort_order"]

    def __str__(self) -> str:
        return self.name


class MilestoneTemplate(models.Model):
    """A checklist item generated for each engagement workload in its phase."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    phase = models.ForeignKey(DeliveryPhase, on_delete=models.PROTECT, related_name="milestones")
    due_after_days = models.PositiveSmallIntegerField(
        default=0, help_text="Days after the engagement starts that the item falls due."
    )
    description = models.CharField(max_length=400, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["phase__sort_order", "sort_order"]

    def __str__(self) -> str:
        return self.name


class ServicePlan(models.Model):
    """A service plan of Microsoft's licensing reference (Service_Plan_Id / Service_Plan_Name)."""

    service_plan_id = models.UUIDField(unique=True)
    name = models.CharField(max_length=200, db_index=True)
    friendly_name = models.CharField(max_length=300)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Sku(models.Model):
    """A licence product of Microsoft's licensing reference (String_Id / GUID)."""

    string_id = models.CharField("String_Id", max_length=120, unique=True)
    guid = models.UUIDField("GUID", db_index=True)
    product_name = models.CharField(max_length=300)
    service_plans = models.ManyToManyField(ServicePlan, related_name="skus", blank=True)

    class Meta:
        ordering = ["product_name"]
        verbose_name = "SKU"

    def __str__(self) -> str:
        return f"{self.product_name} ({self.string_id})"


class Holiday(models.Model):
    """A day off that business-day clocks skip (e.g. the first response due on a referral)."""

    date = models.DateField(unique=True)
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.name} ({self.date.isoformat()})"
