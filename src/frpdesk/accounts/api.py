from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from frpdesk.accounts.models import User
from frpdesk.core.access import acting_user


class MeSerializer(serializers.ModelSerializer[User]):
    roles = serializers.ListField(child=serializers.CharField(), source="role_names")

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "email", "roles"]


class MeView(APIView):
    """Who the token or session belongs to, and their roles."""

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(acting_user(request)).data)
