"""Page classes every app's views build on; each one passes through the access choke point."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.generic import CreateView, DeleteView, DetailView, UpdateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from frpdesk.core.access import Action, can, limit_choices, require, restrict
from frpdesk.core.api import api_error, is_api_request
from frpdesk.core.exports import EXPORT_FORMATS, export_response
from frpdesk.core.models import TimeStampedModel


class AccessMixin(LoginRequiredMixin):
    """Checks ``access_action`` on ``model`` before anything else happens, and scopes rows."""

    model: type[models.Model]
    access_action: Action = "view"
    request: HttpRequest

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        require(request.user, self.access_action, self.model)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self) -> models.QuerySet[Any]:
        return restrict(self.request.user, self.access_action, super().get_queryset())  # type: ignore[misc]


class ListPage(AccessMixin, SingleTableMixin, FilterView):
    """A sortable, filterable, paginated table with CSV/XLSX export of the filtered rows."""

    template_name = "core/list.html"
    paginate_by = 25
    export_name = ""
    title = ""
    description = ""
    create_url_name = ""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        export_format = request.GET.get("export")
        if export_format in EXPORT_FORMATS:
            return self.export(export_format)
        return super().get(request, *args, **kwargs)

    def export(self, export_format: str) -> HttpResponse:
        filterset = self.get_filterset(self.get_filterset_class())
        rows = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        table = self.get_table_class()(rows, request=self.request)
        return export_response(
            table.as_values(),
            export_format=export_format,
            name=self.export_name or str(self.model._meta.verbose_name_plural).replace(" ", "-"),
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            title=self.title or str(self.model._meta.verbose_name_plural).capitalize(),
            description=self.description,
            model=self.model,
            create_url=reverse(self.create_url_name) if self.create_url_name else "",
            query_without_page=_query_without(self.request, "page"),
        )
        return context


def _query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


class DetailPage(AccessMixin, DetailView):
    template_name = "core/detail.html"
    list_url_name = ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["back_url"] = reverse(self.list_url_name) if self.list_url_name else ""
        return context


EDITED_VERSION = "edited_version"  # the hidden field with the version an edit started from


class FormPageMixin(AccessMixin):
    """Create/update pages: the form is saved through ``perform_save`` (a service function)."""

    template_name: str | None = "core/form.html"
    success_message = "Saved."
    title = ""
    cancel_url_name = ""
    object: models.Model | None

    def perform_save(self, form: Any) -> models.Model:
        """Validate the whole record (fields the form leaves out, constraints) and save it."""
        instance: models.Model = form.save(commit=False)
        instance.full_clean()
        instance.save()
        form.save_m2m()
        return instance

    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)  # type: ignore[misc]
        limit_choices(self.request.user, form.fields.values())
        if isinstance(form.instance, TimeStampedModel) and form.instance.pk:
            # The version this editor started from travels with the form (see TimeStampedModel).
            form.fields[EDITED_VERSION] = forms.IntegerField(
                widget=forms.HiddenInput, initial=form.instance.version, required=False
            )
        return form

    def form_valid(self, form: Any) -> HttpResponse:
        if isinstance(form.instance, TimeStampedModel) and EDITED_VERSION in form.fields:
            # Not a field of the record: taken out so that services see only theirs.
            form.instance.expect_version(form.cleaned_data.pop(EDITED_VERSION, None))
        try:
            self.object = self.perform_save(form)
        except ValidationError as error:
            attach_errors(form, error)
            return self.form_invalid(form)  # type: ignore[attr-defined]
        messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())  # type: ignore[attr-defined]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["title"] = self.title or self.default_title()
        context["cancel_url"] = reverse(self.cancel_url_name) if self.cancel_url_name else ""
        return context

    def default_title(self) -> str:
        name = self.model._meta.verbose_name
        return f"Edit {self.object}" if getattr(self, "object", None) else f"New {name}"


def attach_errors(form: BaseForm, error: ValidationError) -> None:
    """A service's refusal on the form: field errors beside their fields, the rest on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class CreatePage(FormPageMixin, CreateView):
    access_action: Action = "add"


class UpdatePage(FormPageMixin, UpdateView):
    access_action: Action = "change"


class DeletePage(AccessMixin, DeleteView):
    access_action: Action = "delete"
    template_name = "core/confirm_delete.html"

    def perform_delete(self) -> None:
        self.object.delete()

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            self.perform_delete()
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
            return HttpResponseRedirect(self.request.path)
        except (models.ProtectedError, models.RestrictedError) as error:
            messages.error(self.request, still_used_message(self.object, error))
            return HttpResponseRedirect(self.request.path)
        messages.success(self.request, f"Deleted {self.object}.")
        return HttpResponseRedirect(self.get_success_url())


def still_used_message(
    instance: models.Model, error: models.ProtectedError | models.RestrictedError
) -> str:
    blockers = sorted({str(item) for item in error.args[1]})
    shown = ", ".join(blockers[:5]) + (
        f" and {len(blockers) - 5} more" if len(blockers) > 5 else ""
    )
    return f"{instance} cannot be deleted: it is still used by {shown}."


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    reason = str(exception or "") or "You do not have permission to do this."
    if is_api_request(request):
        return api_error(403, reason)
    return render(request, "403.html", {"reason": reason}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_request(request):
        return api_error(404, "Not found.")
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api_request(request):
        return api_error(500, "Server error; it has been logged.")
    return render(request, "500.html", status=500)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The partner at a glance: profile, SPOC, endorsements and the catalog's size."""
    from frpdesk.catalog.models import EligiblePlan, Sku, Threshold, VasItem, Workload
    from frpdesk.customers.models import Customer
    from frpdesk.directory.models import DirectoryPartner
    from frpdesk.partner import services as partner_services
    from frpdesk.partner.models import PartnerProfile

    user = request.user
    profile = partner_services.current_profile() if can(user, "view", PartnerProfile) else None
    today = timezone.localdate()
    context: dict[str, Any] = {"title": "Home", "profile": profile, "today": today}
    if profile is not None:
        context["spoc"] = partner_services.spoc(profile)
        context["endorsements"] = partner_services.active_endorsements(profile, today)
        context["memberships"] = list(profile.memberships.all())
        context["referral_profile"] = getattr(profile, "referral_profile", None)
    if can(user, "view", Workload):
        endorsed = {item.workload_id for item in context.get("endorsements", [])}
        context["workloads"] = [
            (workload, workload.pk in endorsed) for workload in Workload.objects.all()
        ]
        context["catalog_counts"] = {
            "Eligible plans": restrict(user, "view", EligiblePlan.objects.all()).count(),
            "SKUs": restrict(user, "view", Sku.objects.all()).count(),
            "VAS items": restrict(user, "view", VasItem.objects.all()).count(),
        }
        context["thresholds"] = restrict(user, "view", Threshold.objects.all())
    if can(user, "view", DirectoryPartner):
        context["directory_count"] = DirectoryPartner.objects.count()
    if can(user, "view", Customer):
        customers = restrict(user, "view", Customer.objects.all())
        context["customer_count"] = customers.count()
        context["eligible_customer_count"] = customers.filter(eligibility__eligible=True).count()
    return render(request, "core/home.html", context)
