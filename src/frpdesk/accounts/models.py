import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models

from frpdesk.core.models import TimeStampedModel


class User(AbstractUser):
    """A person of the partner organisation. Roles are Django groups (see ``roles``)."""

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        permissions = [("view_history", "Can view change history and the audit log")]

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def role_names(self) -> list[str]:
        return sorted(group.name for group in self.groups.all())

    def __str__(self) -> str:
        return self.display_name


class TokenScope(models.TextChoices):
    READ = "read", "Read: GET requests only"
    WRITE = "write", "Read and write"


class ApiToken(models.Model):
    """A key to the REST API. Only the key's SHA-256 is stored: the key is shown once, when it is
    issued. A token acts with its user's roles, limited by its scope, until it expires or is
    revoked."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for.")
    prefix = models.CharField(max_length=12, help_text="The key's first characters, to tell it.")
    key_hash = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=5, choices=TokenScope.choices, default=TokenScope.READ)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    personal_to = "user"

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_active(self, now: datetime.datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now


SEE_ALL_CUSTOMERS = "accounts.see_all_customers"


class Team(TimeStampedModel):
    """People who serve a set of customers together. Without the permission to see all
    customers (program administrators, executives and auditors have it), a user sees only the
    customers of their teams, and everything recorded about them (``core.access.restrict``)."""

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    members = models.ManyToManyField(User, blank=True, related_name="teams")

    class Meta:
        ordering = ["name"]
        permissions = [("see_all_customers", "Sees every customer, whatever its team")]

    def __str__(self) -> str:
        return self.name
