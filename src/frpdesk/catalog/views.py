"""Catalog pages. Every catalog model gets the same list/create/edit/delete pages from one
description (``CATALOG_PAGES``), so the nine reference tables behave identically."""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.db import models
from django.db.models import Count
from django.urls import URLPattern, path, reverse_lazy
from django.views import View

from frpdesk.catalog import filters, tables
from frpdesk.catalog import forms as catalog_forms
from frpdesk.catalog.models import (
    DeliveryPhase,
    DeliveryStatus,
    EligiblePlan,
    Holiday,
    MilestoneTemplate,
    NonPaidSkuMarker,
    OutOfScopeItem,
    ScopeQuestion,
    Sku,
    Threshold,
    VasItem,
    Workload,
)
from frpdesk.catalog.services import skus_carrying
from frpdesk.core.access import restrict
from frpdesk.core.views import CreatePage, DeletePage, DetailPage, ListPage, UpdatePage


@dataclass(frozen=True)
class CatalogPages:
    model: type[models.Model]
    table: type[Any]
    filterset: type[Any]
    form: type[forms.ModelForm[Any]] | None
    description: str
    can_create: bool = True

    @property
    def name(self) -> str:
        return str(self.model._meta.model_name)

    @property
    def slug(self) -> str:
        return str(self.model._meta.verbose_name_plural).replace(" ", "-").lower()

    def urls(self) -> list[URLPattern]:
        name, model_name = self.name, self.model.__name__
        list_url = reverse_lazy(f"catalog:{name}-list")
        list_page = _page(
            ListPage,
            f"{model_name}ListPage",
            model=self.model,
            table_class=self.table,
            filterset_class=self.filterset,
            description=self.description,
            create_url_name=f"catalog:{name}-create" if self.form and self.can_create else "",
        )
        patterns = [path(f"{self.slug}/", list_page, name=f"{name}-list")]
        if self.form is None:
            return patterns
        form_attrs = {
            "model": self.model,
            "form_class": self.form,
            "success_url": list_url,
            "cancel_url_name": f"catalog:{name}-list",
        }
        patterns.append(
            path(
                f"{self.slug}/<int:pk>/edit/",
                _page(UpdatePage, f"{model_name}EditPage", **form_attrs),
                name=f"{name}-edit",
            )
        )
        if self.can_create:
            patterns.append(
                path(
                    f"{self.slug}/new/",
                    _page(CreatePage, f"{model_name}CreatePage", **form_attrs),
                    name=f"{name}-create",
                )
            )
            patterns.append(
                path(
                    f"{self.slug}/<int:pk>/delete/",
                    _page(
                        DeletePage,
                        f"{model_name}DeletePage",
                        model=self.model,
                        success_url=list_url,
                    ),
                    name=f"{name}-delete",
                )
            )
        return patterns


def _page(base: type[View], class_name: str, **attributes: Any) -> Any:
    """The view function of a subclass of ``base`` with the given class attributes."""
    page: Any = type(class_name, (base,), attributes)
    return page.as_view()


CATALOG_PAGES = (
    CatalogPages(
        Workload,
        tables.WorkloadTable,
        filters.WorkloadFilter,
        catalog_forms.WorkloadForm,
        "Microsoft 365 services the FastTrack Benefit covers, and the service plans that make a licence carry each.",
        can_create=False,
    ),
    CatalogPages(
        OutOfScopeItem,
        tables.OutOfScopeItemTable,
        filters.OutOfScopeItemFilter,
        catalog_forms.OutOfScopeItemForm,
        "Work beyond the Benefit per workload: it needs a disclosure and a signed services contract.",
    ),
    CatalogPages(
        EligiblePlan,
        tables.EligiblePlanTable,
        filters.EligiblePlanFilter,
        catalog_forms.EligiblePlanForm,
        "Licence plans whose paid seats count towards the 150-seat eligibility threshold.",
    ),
    CatalogPages(
        NonPaidSkuMarker,
        tables.NonPaidSkuMarkerTable,
        filters.NonPaidSkuMarkerFilter,
        catalog_forms.NonPaidSkuMarkerForm,
        "Words that mark a SKU free, trial or developer: its units never count as paid.",
    ),
    CatalogPages(
        Threshold,
        tables.ThresholdTable,
        filters.ThresholdFilter,
        catalog_forms.ThresholdForm,
        "Program numbers: seat thresholds, windows, milestones and deadlines.",
        can_create=False,
    ),
    CatalogPages(
        ScopeQuestion,
        tables.ScopeQuestionTable,
        filters.ScopeQuestionFilter,
        catalog_forms.ScopeQuestionForm,
        "The three scope questions; each “no” suggests a value-added service.",
    ),
    CatalogPages(
        VasItem,
        tables.VasItemTable,
        filters.VasItemFilter,
        catalog_forms.VasItemForm,
        "Fee-based value-added services, between partner and customer, not covered by any Microsoft agreement.",
    ),
    CatalogPages(
        DeliveryStatus,
        tables.DeliveryStatusTable,
        filters.DeliveryStatusFilter,
        catalog_forms.DeliveryStatusForm,
        "The L1/L2 status taxonomy for every workload in delivery; L3 is free text.",
    ),
    CatalogPages(
        DeliveryPhase,
        tables.DeliveryPhaseTable,
        filters.DeliveryPhaseFilter,
        catalog_forms.DeliveryPhaseForm,
        "Engagement phases: Initiate, Assess, Remediate, Enable, and optional data migration guidance.",
    ),
    CatalogPages(
        MilestoneTemplate,
        tables.MilestoneTemplateTable,
        filters.MilestoneTemplateFilter,
        catalog_forms.MilestoneTemplateForm,
        "Checklist items generated for every engagement workload, with their due offsets.",
    ),
    CatalogPages(
        Holiday,
        tables.HolidayTable,
        filters.HolidayFilter,
        catalog_forms.HolidayForm,
        "Days off that business-day clocks skip, besides weekends (referral first response).",
    ),
)


class SkuListPage(ListPage):
    model = Sku
    table_class = tables.SkuTable
    filterset_class = filters.SkuFilter
    title = "SKU catalog"
    description = "Microsoft's “Product names and service plan identifiers for licensing”, refreshed with `frpdesk import_sku_catalog`."

    def get_queryset(self) -> Any:
        return (
            super()
            .get_queryset()
            .annotate(plan_count=Count("service_plans"))
            .order_by("product_name")
        )


class SkuDetailPage(DetailPage):
    model = Sku
    template_name = "catalog/sku_detail.html"
    list_url_name = "catalog:sku-list"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        sku = self.object
        plans = list(sku.service_plans.all())
        plan_names = {plan.name for plan in plans}
        context.update(
            service_plans=plans,
            eligible=EligiblePlan.objects.filter(string_id=sku.string_id).exists(),
            workloads=[
                w
                for w in restrict(self.request.user, "view", Workload.objects.all())
                if plan_names & set(w.qualifying_service_plans)
            ],
        )
        return context


class WorkloadDetailPage(DetailPage):
    model = Workload
    template_name = "catalog/workload_detail.html"
    list_url_name = "catalog:workload-list"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        workload = self.object
        eligible = set(EligiblePlan.objects.values_list("string_id", flat=True))
        carrying = skus_carrying(workload)
        context.update(
            out_of_scope=workload.out_of_scope.all(),
            eligible_skus=[sku for sku in carrying if sku.string_id in eligible],
            other_sku_count=sum(1 for sku in carrying if sku.string_id not in eligible),
        )
        return context
