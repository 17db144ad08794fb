"""Customer satisfaction: Microsoft's survey results per tenant, and NSAT computed from them."""

from django.conf import settings
from django.db import models

from frpdesk.customers.models import Customer


class Rating(models.TextChoices):
    """The survey's 4-point scale."""

    VERY_SATISFIED = "very_satisfied", "Very satisfied"
    SOMEWHAT_SATISFIED = "somewhat_satisfied", "Somewhat satisfied"
    SOMEWHAT_DISSATISFIED = "somewhat_dissatisfied", "Somewhat dissatisfied"
    VERY_DISSATISFIED = "very_dissatisfied", "Very dissatisfied"


class SurveyImport(models.Model):
    """One imported survey results file (a file is imported once: same SHA-256, no change)."""

    file_name = models.CharField(max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64, unique=True)
    rows = models.PositiveIntegerField()
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    program_wide = True  # sums up every customer: for those who see them all

    class Meta:
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.rows} responses)"


class SurveyResponse(models.Model):
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="survey_responses"
    )
    responded_on = models.DateField()
    rating = models.CharField(max_length=25, choices=Rating.choices)
    comment = models.TextField(blank=True)
    survey_import = models.ForeignKey(
        SurveyImport,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="responses",
    )

    customer_path = "customer"

    class Meta:
        ordering = ["-responded_on", "customer__name", "pk"]
        indexes = [models.Index(fields=["responded_on"])]

    def __str__(self) -> str:
        return f"{self.customer} {self.responded_on.isoformat()}: {self.get_rating_display()}"
