import django_filters
from django.contrib.auth.models import Group

from frpdesk.accounts.models import Team, User
from frpdesk.core.filters import YesNoFilter, text_search


class UserFilter(django_filters.FilterSet):
    search = text_search("username", "first_name", "last_name", "email", label="Name or email")
    groups = django_filters.ModelChoiceFilter(queryset=Group.objects.all(), label="Role")
    is_active = YesNoFilter(label="Active")

    class Meta:
        model = User
        fields = ["search", "groups", "is_active"]


class TeamFilter(django_filters.FilterSet):
    search = text_search("name", "description", label="Name")
    member = django_filters.ModelChoiceFilter(
        field_name="members", queryset=User.objects.filter(is_active=True), label="Member"
    )

    class Meta:
        model = Team
        fields = ["search", "member"]
