from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter
from rest_framework.views import APIView

from frpdesk.accounts import services
from frpdesk.accounts.filters import TeamFilter
from frpdesk.accounts.models import Team, User
from frpdesk.core.access import acting_user
from frpdesk.core.api import ScopedModelViewSet, SlugRelatedField


class MeSerializer(serializers.ModelSerializer[User]):
    roles = serializers.ListField(child=serializers.CharField(), source="role_names")
    teams: serializers.Field[Any, Any, Any, Any] = SlugRelatedField(
        slug_field="name",
        many=True,
        read_only=True,
        help_text="Without the permission to see all customers, the user sees only theirs.",
    )

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "email", "roles", "teams"]


class MeView(APIView):
    """Who the token or session belongs to, and their roles."""

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(acting_user(request)).data)


class TeamSerializer(serializers.ModelSerializer[Team]):
    members = SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        many=True,
        required=False,
        help_text="Usernames of the members.",
    )

    class Meta:
        model = Team
        fields = ["id", "name", "description", "members", "version", "created_at", "updated_at"]
        read_only_fields = ["version", "created_at", "updated_at"]


class TeamViewSet(ScopedModelViewSet):
    """Teams of people; consultants and sales people see only their teams' customers."""

    queryset = Team.objects.prefetch_related("members")
    serializer_class = TeamSerializer
    filterset_class = TeamFilter
    ordering_fields = ["name"]
    ordering = ["name"]

    def save_instance(self, instance: Any, related: dict[str, Any]) -> Any:
        members = related.get("members")
        if members is None:
            members = list(instance.members.all()) if instance.pk else []
        return services.save_team(
            acting_user=acting_user(self.request), team=instance, members=members
        )


def register(router: BaseRouter) -> None:
    router.register("teams", TeamViewSet, basename="team")
