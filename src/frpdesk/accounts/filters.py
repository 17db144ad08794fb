import django_filters
from django.contrib.auth.models import Group

from frpdesk.accounts.models import User
from frpdesk.core.filters import YesNoFilter


class UserFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search", label="Name or email")
    groups = django_filters.ModelChoiceFilter(queryset=Group.objects.all(), label="Role")
    is_active = YesNoFilter(label="Active")

    class Meta:
        model = User
        fields = ["search", "groups", "is_active"]

    def filter_search(self, queryset, name, value):  # type: ignore[no-untyped-def]
        from django.db.models import Q

        return queryset.filter(
            Q(username__icontains=value)
            | Q(first_name__icontains=value)
            | Q(last_name__icontains=value)
            | Q(email__icontains=value)
        )
