"""Statements of Work: generated from a versioned template, stored with their hash, signed.

A ``SowTemplate`` is the wording (sections of Django template text, shipped in
``sow/data/sow-template.json`` and editable as new versions). Each generation of an engagement's
SOW is a ``SowVersion`` (numbered per engagement, DOCX or PDF, the bytes and their SHA-256).
The customer-signed copy is a ``SignedSow`` with who signed and when, and the result of the
proof-of-execution preflight a CPOR claim relies on.
"""

from django.conf import settings
from django.db import models

from frpdesk.engagements.models import Engagement


class SowTemplate(models.Model):
    version = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=120)
    sections = models.JSONField(
        help_text="A list of {heading, body} objects; bodies are Django template text."
    )
    active = models.BooleanField(
        default=False, help_text="The active template is the one new SOWs are generated from."
    )
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=models.Q(active=True), name="one_active_sow_template"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class DocumentFormat(models.TextChoices):
    DOCX = "docx", "Word (DOCX)"
    PDF = "pdf", "PDF"


class SowVersion(models.Model):
    engagement = models.ForeignKey(
        Engagement, on_delete=models.PROTECT, related_name="sow_versions"
    )
    number = models.PositiveIntegerField()
    format = models.CharField(max_length=4, choices=DocumentFormat.choices)
    template = models.ForeignKey(SowTemplate, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=200)
    document = models.BinaryField()
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveIntegerField()
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    generated_at = models.DateTimeField(auto_now_add=True)

    customer_path = "engagement__customer"

    class Meta:
        ordering = ["engagement", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["engagement", "number"], name="unique_sow_number")
        ]

    def __str__(self) -> str:
        return f"SOW v{self.number} of {self.engagement} ({self.format})"


class SignedSow(models.Model):
    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT, related_name="signed_sows")
    sow_version = models.ForeignKey(
        SowVersion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="signed_copies",
        help_text="The generated version the customer signed, when known.",
    )
    file_name = models.CharField(max_length=200)
    document = models.BinaryField()
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveIntegerField()
    signed_by_name = models.CharField("Signed by", max_length=200)
    signed_by_title = models.CharField("Title", max_length=120, blank=True)
    signed_on = models.DateField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    poe_ok = models.BooleanField("Passes the PoE preflight", default=False)
    poe_missing = models.JSONField(default=list, blank=True)
    poe_workloads_found = models.JSONField(default=list, blank=True)
    poe_checked_at = models.DateTimeField(null=True, blank=True)

    customer_path = "engagement__customer"

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = "signed SOW"

    def __str__(self) -> str:
        return f"Signed SOW of {self.engagement} ({self.signed_on.isoformat()})"
