from django import forms

from frpdesk.catalog.models import (
    DeliveryPhase,
    DeliveryStatus,
    EligiblePlan,
    Holiday,
    MilestoneTemplate,
    NonPaidSkuMarker,
    OutOfScopeItem,
    ScopeQuestion,
    Threshold,
    VasItem,
    Workload,
)


class WorkloadForm(forms.ModelForm[Workload]):
    class Meta:
        model = Workload
        fields = [
            "name",
            "qualifying_service_plans",
            "has_usage_report",
            "data_migration_applies",
            "sort_order",
        ]


class OutOfScopeItemForm(forms.ModelForm[OutOfScopeItem]):
    class Meta:
        model = OutOfScopeItem
        fields = ["workload", "description", "sort_order"]


class EligiblePlanForm(forms.ModelForm[EligiblePlan]):
    class Meta:
        model = EligiblePlan
        fields = ["string_id", "note"]
        help_texts = {"string_id": "Exactly as in Microsoft's licensing reference, e.g. SPE_E3."}


class NonPaidSkuMarkerForm(forms.ModelForm[NonPaidSkuMarker]):
    class Meta:
        model = NonPaidSkuMarker
        fields = ["marker", "note"]
        help_texts = {"marker": "Matched case-insensitively inside the String_Id or product name."}


class ThresholdForm(forms.ModelForm[Threshold]):
    class Meta:
        model = Threshold
        fields = ["name", "value", "unit", "description"]


class ScopeQuestionForm(forms.ModelForm[ScopeQuestion]):
    class Meta:
        model = ScopeQuestion
        fields = ["number", "text", "vas_if_no"]


class VasItemForm(forms.ModelForm[VasItem]):
    class Meta:
        model = VasItem
        fields = ["code", "name", "description", "active"]


class DeliveryStatusForm(forms.ModelForm[DeliveryStatus]):
    class Meta:
        model = DeliveryStatus
        fields = ["level1", "level2", "sort_order"]


class DeliveryPhaseForm(forms.ModelForm[DeliveryPhase]):
    class Meta:
        model = DeliveryPhase
        fields = ["code", "name", "sort_order", "optional"]


class MilestoneTemplateForm(forms.ModelForm[MilestoneTemplate]):
    class Meta:
        model = MilestoneTemplate
        fields = ["code", "name", "phase", "due_after_days", "description", "sort_order"]


class HolidayForm(forms.ModelForm[Holiday]):
    class Meta:
        model = Holiday
        fields = ["date", "name"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}
        help_texts = {
            "date": "Business-day clocks (a referral's first response) skip this day.",
        }
