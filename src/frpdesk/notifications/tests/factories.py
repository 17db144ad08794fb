"""Test data for notifications: a user's preferences and their delivery log."""

import factory
from django.utils import timezone

from frpdesk.accounts.models import User
from frpdesk.notifications.models import Channel, Delivery, Kind, NotificationPreference


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"person-{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@contoso-consulting.example")


class NotificationPreferenceFactory(factory.django.DjangoModelFactory):
    """Saved preferences (the defaults: digest and alerts by email, no Teams); deletable.
    Pass ``user=`` the signed-in user: others' rows are 404 to everyone else."""

    class Meta:
        model = NotificationPreference
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory)


class DeliveryFactory(factory.django.DjangoModelFactory):
    """A test message delivered by email; deletable. Pass ``user=`` the owner."""

    class Meta:
        model = Delivery

    user = factory.SubFactory(UserFactory)
    kind = Kind.TEST
    channel = Channel.EMAIL
    subject = "frpdesk test message"
    body = "This is a test of your frpdesk notifications."
    ok = True
    sent_at = factory.LazyFunction(timezone.now)
