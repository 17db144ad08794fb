from typing import Any

from django.db import models
from django.urls import reverse_lazy
from django_stubs_ext import StrOrPromise

from frpdesk.core.access import acting_user
from frpdesk.core.views import CreatePage, DeletePage, DetailPage, ListPage, UpdatePage
from frpdesk.directory import services
from frpdesk.directory.filters import DirectoryPartnerFilter
from frpdesk.directory.forms import DirectoryPartnerForm
from frpdesk.directory.models import DirectoryPartner
from frpdesk.directory.tables import DirectoryPartnerTable

LIST_URL = reverse_lazy("directory:list")


class DirectoryListPage(ListPage):
    model = DirectoryPartner
    table_class = DirectoryPartnerTable
    filterset_class = DirectoryPartnerFilter
    title = "Partner directory"
    description = (
        "Other FastTrack Ready Partners we can hand work to, by endorsed workload and country."
    )
    create_url_name = "directory:create"
    export_name = "partner-directory"

    def get_queryset(self) -> Any:
        return super().get_queryset().prefetch_related("endorsed_workloads")


class DirectoryDetailPage(DetailPage):
    model = DirectoryPartner
    template_name = "directory/detail.html"
    list_url_name = "directory:list"


class DirectorySaveMixin:
    form_class: type[Any] | None = DirectoryPartnerForm
    success_url: StrOrPromise | None = LIST_URL
    cancel_url_name = "directory:list"
    request: Any

    def perform_save(self, form: Any) -> models.Model:
        return services.save_directory_partner(
            acting_user=acting_user(self.request),
            partner=form.instance,
            endorsed_workloads=list(form.cleaned_data["endorsed_workloads"]),
        )


class DirectoryCreatePage(DirectorySaveMixin, CreatePage):
    model = DirectoryPartner
    success_message = "Partner added to the directory."


class DirectoryEditPage(DirectorySaveMixin, UpdatePage):
    model = DirectoryPartner
    success_message = "Directory partner saved."


class DirectoryDeletePage(DeletePage):
    model = DirectoryPartner
    success_url = LIST_URL
