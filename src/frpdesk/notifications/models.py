"""What each user chooses to receive, and every notification sent (the delivery log)."""

from django.conf import settings
from django.db import models

from frpdesk.core.crypto import EncryptedTextField


class NotificationPreference(models.Model):
    """One per user, created with the defaults the first time it is needed."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    daily_digest = models.BooleanField(
        default=True, help_text="Once a day: your overdue items and the new findings."
    )
    critical_alerts = models.BooleanField(
        default=True, help_text="At once, when a check run finds a critical finding."
    )
    by_email = models.BooleanField("By email", default=True)
    teams_webhook_url = EncryptedTextField(
        "Microsoft Teams incoming webhook URL",
        blank=True,
        help_text="Optional: also post to this Teams channel. Stored encrypted.",
    )
    last_digest_on = models.DateField(null=True, blank=True)
    last_digest_at = models.DateTimeField(
        null=True, blank=True, help_text="The next digest tells the findings opened since."
    )

    personal_to = "user"

    def __str__(self) -> str:
        return f"Notification preferences of {self.user}"


class Kind(models.TextChoices):
    DIGEST = "digest", "Daily digest"
    ALERT = "alert", "Critical alert"
    TEST = "test", "Test message"


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    TEAMS = "teams", "Microsoft Teams"


class Delivery(models.Model):
    """One notification sent (or attempted) to one user on one channel."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    sent_at = models.DateTimeField(auto_now_add=True)
    ok = models.BooleanField(default=True)
    error = models.CharField(max_length=500, blank=True)

    personal_to = "user"

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.user} by {self.get_channel_display()}"
