"""Pages of the SOW area: the engagement's SOW tab (versions, signed copies, preflight), the
generate / upload / re-check actions, downloads, and the template versions."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View

from frpdesk.core.access import acting_user, can, restrict
from frpdesk.core.imports import ImportFailure
from frpdesk.core.views import AccessMixin, CreatePage, DetailPage, ListPage
from frpdesk.engagements.models import Engagement
from frpdesk.engagements.views import engagement_url
from frpdesk.partner.services import current_profile
from frpdesk.sow import services
from frpdesk.sow.filters import SowTemplateFilter
from frpdesk.sow.forms import GenerateForm, SignedSowForm, SowTemplateForm
from frpdesk.sow.models import DocumentFormat, SignedSow, SowTemplate, SowVersion
from frpdesk.sow.renderers import CONTENT_TYPES
from frpdesk.sow.tables import SowTemplateTable


def sow_tab_url(engagement: Engagement) -> str:
    return f"{engagement_url(engagement.pk)}?tab=sow"


def _errors(form: Any) -> str:
    return " ".join(
        f"{form.fields[name].label}: {' '.join(errors)}"
        if name in form.fields
        else " ".join(errors)
        for name, errors in form.errors.items()
    )


def _visible_engagement(request: HttpRequest, pk: int) -> Engagement:
    return get_object_or_404(restrict(request.user, "view", Engagement.objects.all()), pk=pk)


def file_response(file_name: str, content: bytes | memoryview) -> HttpResponse:
    """A stored document as an attachment, typed by its extension (PDF or DOCX)."""
    extension = file_name.rsplit(".", 1)[-1].lower()
    content_type = (
        CONTENT_TYPES[DocumentFormat(extension)]
        if extension in DocumentFormat.values
        else "application/octet-stream"
    )
    response = HttpResponse(bytes(content), content_type=content_type)
    safe_name = file_name.replace('"', "").replace("\n", " ")
    response["Content-Disposition"] = f'attachment; filename="{safe_name}"'
    return response


# --- the engagement's tab --------------------------------------------------------------------


class EngagementPanel(AccessMixin, View):
    """The engagement page's SOW tab (loaded by htmx)."""

    model = SowVersion

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        engagement = _visible_engagement(request, pk)
        user = request.user
        versions = (
            restrict(user, "view", SowVersion.objects.filter(engagement=engagement))
            .select_related("template", "generated_by")
            .defer("document")
        )
        signed = (
            restrict(user, "view", SignedSow.objects.filter(engagement=engagement))
            .select_related("sow_version", "uploaded_by")
            .defer("document")
        )
        context: dict[str, Any] = {
            "engagement": engagement,
            "versions": list(versions),
            "signed_copies": list(signed),
            "active_template": SowTemplate.objects.filter(active=True).first(),
            "has_partner": current_profile() is not None,
            "formats": DocumentFormat.choices,
            "may_generate": can(user, "add", SowVersion),
            "may_upload": can(user, "add", SignedSow),
            "may_recheck": can(user, "change", SignedSow),
            "may_templates": can(user, "view", SowTemplate),
            "upload_form": SignedSowForm(engagement=engagement),
        }
        return render(request, "sow/engagement_panel.html", context)


class GenerateView(AccessMixin, View):
    model = SowVersion
    access_action = "add"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        engagement = _visible_engagement(request, pk)
        form = GenerateForm(request.POST)
        if not form.is_valid():
            messages.error(request, _errors(form))
            return redirect(sow_tab_url(engagement))
        try:
            version = services.generate_sow(
                acting_user=acting_user(request),
                engagement=engagement,
                file_format=form.cleaned_data["format"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                f"SOW v{version.number} generated ({version.get_format_display()}, SHA-256 "
                f"{version.sha256[:12]}…).",
            )
        return redirect(sow_tab_url(engagement))


class UploadView(AccessMixin, View):
    model = SignedSow
    access_action = "add"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        engagement = _visible_engagement(request, pk)
        form = SignedSowForm(request.POST, request.FILES, engagement=engagement)
        if not form.is_valid():
            messages.error(request, f"The signed copy was not uploaded. {_errors(form)}")
            return redirect(sow_tab_url(engagement))
        upload = form.cleaned_data["file"]
        try:
            signed = services.upload_signed_sow(
                acting_user=acting_user(request),
                engagement=engagement,
                file_name=upload.name or "signed-sow",
                content=upload.read(),
                signed_by_name=form.cleaned_data["signed_by_name"],
                signed_by_title=form.cleaned_data["signed_by_title"],
                signed_on=form.cleaned_data["signed_on"],
                sow_version=form.cleaned_data["sow_version"],
            )
        except ImportFailure as failure:
            messages.error(request, f"The signed copy was not uploaded: {failure}.")
        except ValidationError as error:
            messages.error(request, f"The signed copy was not uploaded: {' '.join(error.messages)}")
        else:
            if signed.poe_ok:
                messages.success(request, "Signed SOW uploaded; it passes the PoE preflight.")
            else:
                messages.warning(
                    request,
                    "Signed SOW uploaded, but it does not pass the PoE preflight: "
                    + "; ".join(signed.poe_missing)
                    + ".",
                )
        return redirect(sow_tab_url(engagement))


class RecheckView(AccessMixin, View):
    model = SignedSow
    access_action = "change"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        signed = get_object_or_404(self.get_queryset(), pk=pk)
        try:
            signed = services.recheck_signed_sow(
                acting_user=acting_user(request), signed_sow=signed
            )
        except ImportFailure as failure:
            messages.error(request, f"The signed copy cannot be read any more: {failure}.")
        else:
            verdict = "passes" if signed.poe_ok else "does not pass"
            messages.success(request, f"Preflight run again: the signed copy {verdict}.")
        return redirect(sow_tab_url(signed.engagement))

    def get_queryset(self) -> models.QuerySet[SignedSow]:
        return restrict(self.request.user, "change", SignedSow.objects.select_related("engagement"))


class VersionDownload(AccessMixin, View):
    model = SowVersion

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        version = get_object_or_404(restrict(request.user, "view", SowVersion.objects.all()), pk=pk)
        return file_response(version.file_name, version.document)


class SignedDownload(AccessMixin, View):
    model = SignedSow

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        signed = get_object_or_404(restrict(request.user, "view", SignedSow.objects.all()), pk=pk)
        return file_response(signed.file_name, signed.document)


# --- templates -------------------------------------------------------------------------------


class TemplateListPage(ListPage):
    model = SowTemplate
    table_class = SowTemplateTable
    filterset_class = SowTemplateFilter
    title = "SOW templates"
    description = (
        "The wording of generated Statements of Work, by version. New SOWs use the active one; "
        "each generated SOW keeps the version it was made from."
    )
    create_url_name = "sow:template-create"
    export_name = "sow-templates"


class TemplateDetailPage(DetailPage):
    model = SowTemplate
    template_name = "sow/template_detail.html"
    list_url_name = "sow:template-list"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = str(self.object)
        context["may_activate"] = can(self.request.user, "change", SowTemplate)
        context["may_add"] = can(self.request.user, "add", SowTemplate)
        return context


class TemplateCreatePage(CreatePage):
    model = SowTemplate
    form_class = SowTemplateForm
    cancel_url_name = "sow:template-list"
    success_message = "SOW template version added."
    title = "New SOW template version"

    def get_initial(self) -> dict[str, Any]:
        """Start from the version asked for (``?from=<id>``) or the active one."""
        source = None
        if self.request.GET.get("from", "").isdigit():
            source = SowTemplate.objects.filter(pk=self.request.GET["from"]).first()
        source = source or SowTemplate.objects.filter(active=True).first()
        if source is None:
            return {}
        return {
            "name": source.name,
            "sections": source.sections,
        }

    def perform_save(self, form: Any) -> models.Model:
        data = form.cleaned_data
        return services.create_template(
            acting_user=acting_user(self.request),
            version=data["version"],
            name=data["name"],
            note=data["note"],
            sections=data["sections"],
            activate=data["activate"],
        )

    def get_success_url(self) -> str:
        assert self.object is not None
        return reverse("sow:template-detail", args=[self.object.pk])


class TemplateActivateView(AccessMixin, View):
    model = SowTemplate
    access_action = "change"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        template = get_object_or_404(self.get_queryset(), pk=pk)
        services.activate_template(acting_user=acting_user(request), template=template)
        messages.success(request, f"{template} is now the active SOW template.")
        return HttpResponseRedirect(reverse("sow:template-detail", args=[template.pk]))

    def get_queryset(self) -> models.QuerySet[SowTemplate]:
        return restrict(self.request.user, "change", SowTemplate.objects.all())
