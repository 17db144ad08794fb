"""SOW API.

- ``/api/sow-versions/``: the generated versions' metadata (list, read; filters ``engagement``,
  ``format``). ``POST {"engagement": id, "format": "docx"|"pdf"}`` generates the engagement's SOW
  from the active template and stores it as the next version (201 with its metadata).
  ``GET /api/sow-versions/{id}/download/``: the file.
- ``/api/signed-sows/``: the customer-signed copies with their preflight result (list, read;
  filters ``engagement``, ``poe_ok``). ``POST`` multipart ``file`` (PDF or DOCX),
  ``engagement``, ``signed_by_name``, ``signed_by_title``, ``signed_on`` (YYYY-MM-DD),
  ``sow_version`` (id, optional) stores it and runs the preflight; a file that is no readable
  PDF/DOCX or too large is a 400 whose ``detail`` says why.
  ``POST /api/signed-sows/{id}/recheck/`` runs the preflight again;
  ``GET /api/signed-sows/{id}/download/``: the file.
- ``/api/sow-templates/``: template versions (list, read; filters ``search``, ``active``).
  ``POST {"version", "name", "note"?, "sections": [{"heading", "body"}], "activate"?}`` adds a
  version (the sections are checked); ``POST /api/sow-templates/{id}/activate/`` activates it.

``poe_missing`` lists human-readable problems; ``poe_workloads_found`` the claimed workloads the
document names (see ``frpdesk.sow.preflight`` for the rules).
"""

from typing import Any, ClassVar

from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.routers import BaseRouter

from frpdesk.core.access import Action, acting_user, restrict
from frpdesk.core.api import ScopedReadOnlyViewSet, SlugRelatedField
from frpdesk.core.imports import ImportFailure
from frpdesk.engagements.models import Engagement
from frpdesk.sow import services
from frpdesk.sow.filters import SignedSowFilter, SowTemplateFilter, SowVersionFilter
from frpdesk.sow.models import DocumentFormat, SignedSow, SowTemplate, SowVersion
from frpdesk.sow.views import file_response


def _download_url(serializer: serializers.Serializer[Any], name: str, pk: int) -> str:
    return reverse(name, args=[pk], request=serializer.context.get("request"))


class SowVersionSerializer(serializers.ModelSerializer[SowVersion]):
    template: serializers.Field[Any, Any, Any, Any] = SlugRelatedField(
        slug_field="version", read_only=True
    )
    generated_by: serializers.Field[Any, Any, Any, Any] = SlugRelatedField(
        slug_field="username", read_only=True
    )
    download = serializers.SerializerMethodField()

    class Meta:
        model = SowVersion
        fields = [
            "id",
            "engagement",
            "number",
            "format",
            "template",
            "file_name",
            "sha256",
            "size",
            "generated_by",
            "generated_at",
            "download",
        ]
        read_only_fields = fields

    def get_download(self, version: SowVersion) -> str:
        return _download_url(self, "sow-version-download", version.pk)


@extend_schema_field(OpenApiTypes.INT)
class VisibleEngagementField(serializers.PrimaryKeyRelatedField[Engagement]):
    """An engagement id the requesting user may see (others are "does not exist")."""

    def get_queryset(self) -> QuerySet[Engagement]:
        return restrict(self.context["request"].user, "view", Engagement.objects.all())


class GenerateSerializer(serializers.Serializer[Any]):
    engagement = VisibleEngagementField()
    format = serializers.ChoiceField(choices=DocumentFormat.choices)


class SowVersionViewSet(ScopedReadOnlyViewSet):
    """Generated SOW versions: metadata, download, and generation (POST)."""

    queryset = SowVersion.objects.select_related("template", "generated_by").defer("document")
    serializer_class = SowVersionSerializer
    filterset_class = SowVersionFilter
    ordering_fields = ["generated_at", "number"]
    ordering = ["-generated_at", "-pk"]

    @extend_schema(request=GenerateSerializer, responses={201: SowVersionSerializer})
    def create(self, request: Request) -> Response:
        body = GenerateSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        version = services.generate_sow(
            acting_user=acting_user(request),
            engagement=body.validated_data["engagement"],
            file_format=body.validated_data["format"],
        )
        data = SowVersionSerializer(version, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], queryset=SowVersion.objects.all())
    def download(self, request: Request, pk: str | None = None) -> HttpResponse:
        version = self.get_object()
        return file_response(version.file_name, version.document)


class SignedSowSerializer(serializers.ModelSerializer[SignedSow]):
    uploaded_by: serializers.Field[Any, Any, Any, Any] = SlugRelatedField(
        slug_field="username", read_only=True
    )
    download = serializers.SerializerMethodField()

    class Meta:
        model = SignedSow
        fields = [
            "id",
            "engagement",
            "sow_version",
            "file_name",
            "sha256",
            "size",
            "signed_by_name",
            "signed_by_title",
            "signed_on",
            "uploaded_by",
            "uploaded_at",
            "poe_ok",
            "poe_missing",
            "poe_workloads_found",
            "poe_checked_at",
            "download",
        ]
        read_only_fields = fields

    def get_download(self, signed: SignedSow) -> str:
        return _download_url(self, "signed-sow-download", signed.pk)


class SignedSowUploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(
        allow_empty_file=True,  # refused with the same message as a page upload
        help_text="The customer-signed SOW, PDF or DOCX.",
    )
    engagement = VisibleEngagementField()
    signed_by_name = serializers.CharField(max_length=200)
    signed_by_title = serializers.CharField(max_length=120, required=False, default="")
    signed_on = serializers.DateField()
    sow_version = serializers.PrimaryKeyRelatedField(
        queryset=SowVersion.objects.defer("document"), required=False, allow_null=True
    )


class SignedSowViewSet(ScopedReadOnlyViewSet):
    """Customer-signed SOW copies with their proof-of-execution preflight."""

    queryset = SignedSow.objects.select_related("uploaded_by").defer("document")
    serializer_class = SignedSowSerializer
    filterset_class = SignedSowFilter
    ordering_fields = ["uploaded_at", "signed_on"]
    ordering = ["-uploaded_at", "-pk"]
    # Actions name the permission they need (see ModelAccessPermission).
    access_actions: ClassVar[dict[str, Action]] = {}
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        request={"multipart/form-data": SignedSowUploadSerializer},
        responses={201: SignedSowSerializer},
    )
    def create(self, request: Request) -> Response:
        body = SignedSowUploadSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = body.validated_data
        upload = data["file"]
        try:
            signed = services.upload_signed_sow(
                acting_user=acting_user(request),
                engagement=data["engagement"],
                file_name=upload.name or "signed-sow",
                content=upload.read(),
                signed_by_name=data["signed_by_name"],
                signed_by_title=data["signed_by_title"],
                signed_on=data["signed_on"],
                sow_version=data.get("sow_version"),
            )
        except ImportFailure as failure:
            return Response({"detail": str(failure)}, status=status.HTTP_400_BAD_REQUEST)
        answer = SignedSowSerializer(signed, context=self.get_serializer_context()).data
        return Response(answer, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: SignedSowSerializer})
    @action(
        detail=True,
        methods=["post"],
        access_actions={"POST": "change"},
        queryset=SignedSow.objects.select_related("engagement"),
    )
    def recheck(self, request: Request, pk: str | None = None) -> Response:
        signed = self.get_object()
        try:
            signed = services.recheck_signed_sow(
                acting_user=acting_user(request), signed_sow=signed
            )
        except ImportFailure as failure:
            return Response({"detail": str(failure)}, status=status.HTTP_400_BAD_REQUEST)
        return Response(SignedSowSerializer(signed, context=self.get_serializer_context()).data)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], queryset=SignedSow.objects.all())
    def download(self, request: Request, pk: str | None = None) -> HttpResponse:
        signed = self.get_object()
        return file_response(signed.file_name, signed.document)


class SectionSerializer(serializers.Serializer[Any]):
    heading = serializers.CharField()
    body = serializers.CharField(allow_blank=True, trim_whitespace=False)


class SowTemplateSerializer(serializers.ModelSerializer[SowTemplate]):
    sections = SectionSerializer(many=True)
    activate = serializers.BooleanField(
        write_only=True, required=False, default=False, help_text="Activate the new version."
    )

    class Meta:
        model = SowTemplate
        fields = ["id", "version", "name", "note", "sections", "active", "activate", "created_at"]
        read_only_fields = ["id", "active", "created_at"]


class SowTemplateViewSet(ScopedReadOnlyViewSet):
    """SOW template versions; new SOWs are generated from the active one."""

    queryset = SowTemplate.objects.all()
    serializer_class = SowTemplateSerializer
    filterset_class = SowTemplateFilter
    ordering_fields = ["created_at", "version"]
    ordering = ["-created_at", "-pk"]
    # Actions name the permission they need (see ModelAccessPermission).
    access_actions: ClassVar[dict[str, Action]] = {}

    @extend_schema(request=SowTemplateSerializer, responses={201: SowTemplateSerializer})
    def create(self, request: Request) -> Response:
        body = SowTemplateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        template = services.create_template(
            acting_user=acting_user(request),
            version=data["version"],
            name=data["name"],
            note=data.get("note", ""),
            sections=[dict(section) for section in data["sections"]],
            activate=data["activate"],
        )
        return Response(SowTemplateSerializer(template).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: SowTemplateSerializer})
    @action(detail=True, methods=["post"], access_actions={"POST": "change"})
    def activate(self, request: Request, pk: str | None = None) -> Response:
        template = self.get_object()
        services.activate_template(acting_user=acting_user(request), template=template)
        return Response(SowTemplateSerializer(template).data)


def register(router: BaseRouter) -> None:
    router.register("sow-versions", SowVersionViewSet, basename="sow-version")
    router.register("signed-sows", SignedSowViewSet, basename="signed-sow")
    router.register("sow-templates", SowTemplateViewSet, basename="sow-template")
