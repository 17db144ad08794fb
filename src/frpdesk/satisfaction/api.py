"""Satisfaction API.

- ``/api/survey-responses/``: read-only. Filters: ``customer`` (id), ``rating``
  (very_satisfied, somewhat_satisfied, somewhat_dissatisfied, very_dissatisfied), ``date_from``
  and ``date_to`` (response date, both included), ``survey_import`` (id), ``search``.
- ``/api/survey-imports/``: imported survey results files (list, read, delete: deleting one
  removes its responses). ``POST`` multipart with ``file`` (CSV) imports one: 201 with the import;
  the same file again answers 200 with the import made before and ``detail`` "already imported …
  nothing changed"; a bad file is a 400 whose ``detail`` names the file, row and column (nothing
  is written).
"""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from frpdesk.core.access import restrict
from frpdesk.core.api import ScopedReadOnlyViewSet
from frpdesk.core.import_views import api_file_import, upload_serializer, with_detail
from frpdesk.customers.models import Customer
from frpdesk.satisfaction.filters import SurveyImportFilter, SurveyResponseFilter
from frpdesk.satisfaction.importing import import_survey
from frpdesk.satisfaction.models import SurveyImport, SurveyResponse


class SurveyResponseSerializer(serializers.ModelSerializer[SurveyResponse]):
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    tenant_id = serializers.UUIDField(source="customer.tenant_id", read_only=True)

    class Meta:
        model = SurveyResponse
        fields = [
            "id",
            "customer",
            "customer_name",
            "tenant_id",
            "responded_on",
            "rating",
            "comment",
            "survey_import",
        ]
        read_only_fields = fields


class SurveyResponseViewSet(ScopedReadOnlyViewSet):
    """Survey responses on the 4-point scale, of the customers the user may read."""

    queryset = SurveyResponse.objects.select_related("customer")
    serializer_class = SurveyResponseSerializer
    filterset_class = SurveyResponseFilter
    ordering_fields = ["responded_on", "customer__name"]
    ordering = ["-responded_on", "customer__name", "pk"]

    def get_queryset(self) -> Any:
        return (
            super()
            .get_queryset()
            .filter(customer__in=restrict(self.request.user, "view", Customer.objects.all()))
        )


class SurveyImportSerializer(serializers.ModelSerializer[SurveyImport]):
    imported_by: serializers.Field[Any, Any, Any, Any] = serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text="Empty: imported from the command line, or its user was deleted.",
    )

    class Meta:
        model = SurveyImport
        fields = ["id", "file_name", "sha256", "rows", "imported_by", "imported_at"]
        read_only_fields = fields


SurveyUploadSerializer = upload_serializer("SurveyUploadSerializer", "The survey results (CSV).")
SurveyImportResultSerializer = with_detail(SurveyImportSerializer, "SurveyImportResultSerializer")


class SurveyImportViewSet(mixins.DestroyModelMixin, ScopedReadOnlyViewSet):
    """Imported survey results files; deleting one removes its responses."""

    queryset = SurveyImport.objects.select_related("imported_by")
    serializer_class = SurveyImportSerializer
    filterset_class = SurveyImportFilter
    ordering_fields = ["imported_at", "file_name"]
    ordering = ["-imported_at", "-pk"]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        request={"multipart/form-data": SurveyUploadSerializer},
        responses={201: SurveyImportResultSerializer, 200: SurveyImportResultSerializer},
    )
    def create(self, request: Request) -> Response:
        return api_file_import(
            request,
            upload_serializer=SurveyUploadSerializer,
            default_name="survey.csv",
            run_import=import_survey,
            serialize=lambda outcome: SurveyImportSerializer(outcome.survey_import).data,
            created=lambda outcome: outcome.created,
        )


def register(router: BaseRouter) -> None:
    router.register("survey-responses", SurveyResponseViewSet, basename="survey-response")
    router.register("survey-imports", SurveyImportViewSet, basename="survey-import")
