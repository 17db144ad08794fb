"""Tables of the satisfaction area: survey responses and the imported files."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from frpdesk.core.tables import ActionsColumn
from frpdesk.satisfaction.models import Rating, SurveyImport, SurveyResponse

NOWRAP = {"td": {"class": "text-nowrap"}}
NUMBER = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}
RATING_BADGES = {
    Rating.VERY_SATISFIED: "text-bg-success",
    Rating.SOMEWHAT_SATISFIED: "text-bg-info",
    Rating.SOMEWHAT_DISSATISFIED: "text-bg-warning",
    Rating.VERY_DISSATISFIED: "text-bg-danger",
}


def rating_badge(rating: str, label: str) -> SafeString:
    return format_html(
        '<span class="badge {}" data-testid="rating" data-rating="{}">{}</span>',
        RATING_BADGES[Rating(rating)],
        rating,
        label,
    )


class SurveyResponseTable(tables.Table):
    responded_on = tables.DateColumn("Y-m-d", verbose_name="Date", attrs=NOWRAP)
    customer = tables.Column(order_by=("customer__name",))
    rating = tables.Column(verbose_name="Response", order_by=("rating",))
    comment = tables.Column(orderable=False)
    survey_import = tables.Column(verbose_name="File", order_by=("survey_import__file_name",))

    class Meta:
        model = SurveyResponse
        fields = ("responded_on", "customer", "rating", "comment", "survey_import")
        empty_text = "No survey responses match these filters. Import Microsoft's survey results."
        row_attrs = {"data-testid": "survey-response"}

    def render_customer(self, record: SurveyResponse) -> SafeString:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("customers:detail", args=[record.customer_id]),
            record.customer,
        )

    def render_rating(self, record: SurveyResponse) -> SafeString:
        return rating_badge(record.rating, record.get_rating_display())

    def value_rating(self, record: SurveyResponse) -> str:
        return record.get_rating_display()

    def render_survey_import(self, record: SurveyResponse) -> str:
        return record.survey_import.file_name if record.survey_import else "—"

    def value_survey_import(self, record: SurveyResponse) -> str:
        return record.survey_import.file_name if record.survey_import else ""


class SurveyImportTable(tables.Table):
    file_name = tables.Column(
        linkify=lambda record: reverse("satisfaction:list") + f"?survey_import={record.pk}",
        attrs={"td": {"class": "fw-semibold", "data-testid": "import-name"}},
    )
    imported_at = tables.DateTimeColumn("Y-m-d H:i", attrs=NOWRAP)
    imported_by = tables.Column()
    rows = tables.Column(verbose_name="Responses", attrs=NUMBER)
    actions = ActionsColumn(delete_url_name="satisfaction:import-delete")

    class Meta:
        model = SurveyImport
        fields = ("file_name", "imported_at", "imported_by", "rows")
        empty_text = "No survey results imported yet."
