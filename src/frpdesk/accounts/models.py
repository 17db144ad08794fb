from django.contrib.auth.models import AbstractUser


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
