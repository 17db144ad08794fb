"""Forms of the scoping pages; each one is saved through a service function."""

from collections.abc import Iterator
from typing import Any

from django import forms
from django.utils import timezone

from frpdesk.catalog.models import OutOfScopeItem, ScopeQuestion, Workload
from frpdesk.customers.models import CustomerContact
from frpdesk.engagements.forms import DATE_INPUT, UserChoiceField
from frpdesk.engagements.models import Engagement
from frpdesk.scoping.models import (
    CustomerRequest,
    DisclosureMethod,
    RequestClass,
    RequestStatus,
    ScopeAssessment,
)
from frpdesk.scoping.services import AnswerInput, covering_contracts
from frpdesk.vas.models import ServicesContract

YES_NO = [("yes", "Yes"), ("no", "No")]


class RadioList(forms.RadioSelect):
    """Radio buttons laid out as Bootstrap form-checks (the checkbox list's templates)."""

    template_name = "frpdesk/forms/choice_list.html"
    option_template_name = "frpdesk/forms/choice_option.html"


SUGGEST = ("", "Suggest from the description")


class AssessmentForm(forms.Form):
    """One yes/no answer and a comment per catalog scope question."""

    def __init__(
        self,
        *args: Any,
        questions: list[ScopeQuestion],
        previous: ScopeAssessment | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        earlier = (
            {answer.question_id: answer for answer in previous.answers.all()} if previous else {}
        )
        for question in questions:
            answer_field = forms.ChoiceField(
                choices=YES_NO,
                # Rendered as a yes/no toggle by the assessment page.
                widget=forms.RadioSelect(attrs={"class": "btn-check"}),
                label=f"{question.number}. {question.text}",
                help_text=f"A no suggests: {question.suggested_vas or question.vas_if_no}.",
                error_messages={"required": "Answer yes or no."},
            )
            comment_field = forms.CharField(
                label="Comment",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2, "placeholder": "Why, and who said so"}),
            )
            # A re-assessment starts from the current answers: usually only one changes.
            if question.pk in earlier:
                answer_field.initial = "yes" if earlier[question.pk].answer else "no"
                comment_field.initial = earlier[question.pk].comment
            self.fields[f"answer_{question.pk}"] = answer_field
            self.fields[f"comment_{question.pk}"] = comment_field

    def rows(self) -> Iterator[tuple[ScopeQuestion, forms.BoundField, forms.BoundField]]:
        for question in self.questions:
            yield question, self[f"answer_{question.pk}"], self[f"comment_{question.pk}"]

    def answers(self) -> list[AnswerInput]:
        return [
            AnswerInput(
                question=question,
                answer=self.cleaned_data[f"answer_{question.pk}"] == "yes",
                comment=self.cleaned_data[f"comment_{question.pk}"],
            )
            for question in self.questions
        ]


class OutOfScopeItemField(forms.ModelChoiceField[OutOfScopeItem]):
    def label_from_instance(self, obj: OutOfScopeItem) -> str:
        return f"{obj.workload.name}: {obj.description}"


class CustomerRequestForm(forms.ModelForm[CustomerRequest]):
    """A request as the customer made it; the classification is suggested unless chosen."""

    classification = forms.ChoiceField(
        choices=[SUGGEST, *RequestClass.choices],
        required=False,
        help_text="Leave “Suggest” to take the proposal shown below, or choose yourself.",
    )
    out_of_scope_item = OutOfScopeItemField(
        OutOfScopeItem.objects.none(),
        required=False,
        label="Out-of-scope item",
        empty_label="— None —",
        help_text="The entry of the workload's out-of-scope list (service description) it falls "
        "under; choosing one makes it beyond guidance.",
    )

    class Meta:
        model = CustomerRequest
        fields = [
            "description",
            "workload",
            "requested_by",
            "requested_on",
            "classification",
            "out_of_scope_item",
        ]
        widgets = {
            "description": forms.Textarea(
                attrs={"rows": 3, "placeholder": "What the customer asked for, in their words"}
            ),
            "requested_on": DATE_INPUT,
        }

    def __init__(self, *args: Any, engagement: Engagement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.engagement = engagement
        workloads = Workload.objects.filter(pk__in=engagement.workloads.values("workload"))
        workload_field = self.fields["workload"]
        assert isinstance(workload_field, forms.ModelChoiceField)
        workload_field.queryset = workloads
        workload_field.empty_label = "— Not about one workload —"
        item_field = self.fields["out_of_scope_item"]
        assert isinstance(item_field, forms.ModelChoiceField)
        item_field.queryset = OutOfScopeItem.objects.filter(workload__in=workloads).select_related(
            "workload"
        )
        if not self.instance.pk:
            self.fields["requested_on"].initial = timezone.localdate


class DisclosureForm(forms.Form):
    disclosed_by = UserChoiceField(
        label="Told by", required=True, empty_label=None, help_text="Who told the customer."
    )
    disclosed_to_contact = forms.ModelChoiceField(
        CustomerContact.objects.none(),
        required=False,
        label="Told (contact)",
        empty_label="— Not a recorded contact —",
    )
    disclosed_to = forms.CharField(
        label="Told (name)",
        max_length=200,
        required=False,
        help_text="Who at the customer was told; the contact's name by default.",
    )
    disclosed_on = forms.DateField(label="On", widget=DATE_INPUT, initial=timezone.localdate)
    method = forms.ChoiceField(choices=DisclosureMethod.choices, widget=RadioList, label="How")
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "What was said, where it is filed"}),
    )

    def __init__(self, *args: Any, customer_request: CustomerRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        contact_field = self.fields["disclosed_to_contact"]
        assert isinstance(contact_field, forms.ModelChoiceField)
        contact_field.queryset = CustomerContact.objects.filter(
            customer_id=customer_request.engagement.customer_id
        )


class ContractChoiceField(forms.ModelChoiceField[ServicesContract]):
    def label_from_instance(self, obj: ServicesContract) -> str:
        return (
            f"{obj.number} · {obj.quote.title} · signed {obj.signed_on.isoformat()} by "
            f"{obj.customer_signatory} ({obj.quote.get_state_display().lower()})"
        )


class ContractForm(forms.Form):
    contract = ContractChoiceField(
        ServicesContract.objects.none(),
        required=False,
        widget=RadioList,
        empty_label="No contract (unlink)",
        label="Services contract",
        help_text="The engagement's signed or active services contracts.",
    )

    def __init__(self, *args: Any, engagement: Engagement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["contract"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = covering_contracts(engagement)


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=RequestStatus.choices)
    note = forms.CharField(required=False, max_length=300)
