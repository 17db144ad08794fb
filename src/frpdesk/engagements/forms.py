"""Forms of the engagement pages; each one is saved through a service function."""

from typing import Any

from django import forms
from django.utils import timezone

from frpdesk.accounts.models import User
from frpdesk.adoption.forms import PastDateField, WorkloadChoiceField
from frpdesk.catalog.models import DeliveryPhase, DeliveryStatus, Workload
from frpdesk.core.forms import CheckboxList
from frpdesk.customers.models import Customer
from frpdesk.directory.models import DirectoryPartner
from frpdesk.engagements.models import Origin, Routing, StatusNote, WorkloadSource

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Referral engagements are opened by accepting the referral, never from this form.
OPENABLE_ORIGINS = [(Origin.OWN_LEAD, "Own lead"), (Origin.EXISTING_CLAIM, "Existing claim")]


class UserChoiceField(forms.ModelChoiceField[User]):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("empty_label", "— Nobody —")
        super().__init__(User.objects.filter(is_active=True).order_by("username"), **kwargs)

    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class EngagementCreateForm(forms.Form):
    customer = forms.ModelChoiceField(Customer.objects.all(), empty_label="— Choose a customer —")
    origin = forms.ChoiceField(
        choices=OPENABLE_ORIGINS,
        widget=forms.RadioSelect,
        initial=Origin.OWN_LEAD,
        help_text="Referral engagements open when a referral is accepted.",
    )
    workloads = forms.ModelMultipleChoiceField(
        Workload.objects.all(),
        to_field_name="code",
        widget=CheckboxList,
        help_text="Each workload gets a checklist from the catalog's milestone templates.",
    )
    owner = UserChoiceField(label="Owner")
    started_on = PastDateField(label="Started on", initial=timezone.localdate)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["started_on"].widget = DATE_INPUT


class TeamForm(forms.Form):
    owner = UserChoiceField(label="Owner")
    team = forms.ModelMultipleChoiceField(
        User.objects.filter(is_active=True).order_by("username"),
        required=False,
        widget=CheckboxList,
        help_text="The owner is always part of the team.",
    )


class AddWorkloadForm(forms.Form):
    workload = WorkloadChoiceField(Workload.objects.all())
    source = forms.ChoiceField(choices=WorkloadSource.choices, initial=WorkloadSource.CLAIMED)


class StatusNoteForm(forms.ModelForm[StatusNote]):
    next_action_owner = UserChoiceField(label="Next action owner")

    class Meta:
        model = StatusNote
        fields = ["onboarding_scope", "risks", "next_action", "next_action_on", "next_action_owner"]
        widgets = {
            "onboarding_scope": forms.Textarea(attrs={"rows": 3}),
            "risks": forms.Textarea(attrs={"rows": 2}),
            "next_action_on": DATE_INPUT,
        }


class WorkloadStatusForm(forms.Form):
    status = forms.ModelChoiceField(
        DeliveryStatus.objects.all(), required=False, label="L1/L2 status", empty_label="Not set"
    )
    status_l3 = forms.CharField(label="L3", max_length=200, required=False)
    intent_note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class RoutingForm(forms.Form):
    routing = forms.ChoiceField(choices=Routing.choices, widget=forms.RadioSelect, label="Decision")
    handoff_partner = forms.ModelChoiceField(
        DirectoryPartner.objects.none(),
        required=False,
        label="Hand off to",
        empty_label="— Choose an FRP —",
        help_text="Partners of the directory endorsed for this workload that serve the "
        "customer's country.",
    )
    justification = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Required to deliver it ourselves; added to the hand-off note or the advice.",
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["handoff_partner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = candidates


class AssociationForm(forms.Form):
    associated_on = PastDateField(label="Associated on", help_text="The claim's approval day.")
    note = forms.CharField(
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": "e.g. CPOR claim ID"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["associated_on"].widget = DATE_INPUT


class ChecklistItemForm(forms.Form):
    owner = UserChoiceField(label="Owner")
    due_on = forms.DateField(required=False, label="Due on", widget=DATE_INPUT)


class MoveForm(forms.Form):
    phase = forms.ModelChoiceField(DeliveryPhase.objects.all(), empty_label=None)
