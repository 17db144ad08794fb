"""The delivery log's filters, shared by the page and the API."""

import django_filters

from frpdesk.core.filters import YesNoFilter
from frpdesk.notifications.models import Channel, Delivery, Kind


class DeliveryFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Kind.choices)
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    ok = YesNoFilter(label="Delivered")

    class Meta:
        model = Delivery
        fields = ["kind", "channel", "ok"]
