"""The Notifications page: each signed-in user's own preferences and delivery log, a test
message and "send my digest now". Rows are the user's own through ``restrict`` (the models are
``personal_to`` the user)."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View
from django_tables2 import RequestConfig

from frpdesk.accounts.models import User
from frpdesk.core.access import AnyUser, acting_user, require, restrict
from frpdesk.core.views import AccessMixin
from frpdesk.notifications import services, teams
from frpdesk.notifications.forms import NotificationPreferenceForm
from frpdesk.notifications.models import Delivery, NotificationPreference
from frpdesk.notifications.tables import DeliveryTable

LOG_PAGE_SIZE = 25


def own_preference(user: User) -> NotificationPreference:
    """The user's saved preferences, else the defaults (unsaved)."""
    saved = restrict(user, "change", NotificationPreference.objects.all()).first()
    return saved or NotificationPreference(user=user)


def own_deliveries(user: AnyUser) -> Any:
    return restrict(user, "view", Delivery.objects.all())


def _outcome_message(request: HttpRequest, deliveries: list[Delivery], what: str) -> None:
    if not deliveries:
        messages.warning(
            request, "Nothing was sent: choose email or save a Teams webhook URL first."
        )
        return
    sent = [item.get_channel_display() for item in deliveries if item.ok]
    failed = [item for item in deliveries if not item.ok]
    if sent:
        messages.success(request, f"{what} sent by {' and '.join(sent)}.")
    for item in failed:
        messages.error(request, f"{what} by {item.get_channel_display()} failed: {item.error}")


class PreferencesPage(AccessMixin, View):
    model = NotificationPreference

    def get(self, request: HttpRequest) -> HttpResponse:
        user = acting_user(request)
        return self.page(request, NotificationPreferenceForm(instance=own_preference(user)))

    def post(self, request: HttpRequest) -> HttpResponse:
        user = acting_user(request)
        require(user, "change", NotificationPreference)
        form = NotificationPreferenceForm(request.POST, instance=own_preference(user))
        if not form.is_valid():
            return self.page(request, form)
        services.save_preference(
            acting_user=user, preference=form.instance, teams_webhook_url=form.webhook_change()
        )
        messages.success(request, "Your notification settings are saved.")
        return HttpResponseRedirect(reverse("notifications:preferences"))

    def page(self, request: HttpRequest, form: NotificationPreferenceForm) -> HttpResponse:
        table = DeliveryTable(own_deliveries(request.user), request=request)
        RequestConfig(request, paginate={"per_page": LOG_PAGE_SIZE}).configure(table)
        preference = form.instance
        return render(
            request,
            "notifications/preferences.html",
            {
                "title": "Notifications",
                "form": form,
                "preference": preference,
                "webhook": teams.masked(preference.teams_webhook_url),
                "channels": services.channels_of(preference),
                "table": table,
            },
        )


class TestAction(AccessMixin, View):
    """Sends a test message on each channel the user chose."""

    model = Delivery
    access_action = "add"
    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        user = acting_user(request)
        _outcome_message(request, services.send_test(user), "Test message")
        return HttpResponseRedirect(reverse("notifications:preferences") + "#log")


class DigestNowAction(AccessMixin, View):
    """Sends the user's digest now, whatever the time and their daily choice."""

    model = Delivery
    access_action = "add"
    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        user = acting_user(request)
        outcome = services.send_digest(user)
        if outcome.skipped == "nothing to report":
            messages.info(
                request,
                "Nothing to report: no overdue item of yours and no new compliance finding.",
            )
        else:
            _outcome_message(request, outcome.deliveries, "Your digest")
        return HttpResponseRedirect(reverse("notifications:preferences") + "#log")
