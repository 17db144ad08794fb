from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from frpdesk.partner import services
from frpdesk.partner.models import (
    Endorsement,
    PartnerProfile,
    ProgramContact,
    ProgramMembership,
    ReferralProfile,
)


class PartnerProfileForm(forms.ModelForm[PartnerProfile]):
    website = forms.URLField(required=False, assume_scheme="https")

    class Meta:
        model = PartnerProfile
        fields = [
            "organisation_name",
            "partner_id",
            "location_partner_id",
            "location_city",
            "location_country",
            "website",
        ]


class ProgramMembershipForm(forms.ModelForm[ProgramMembership]):
    class Meta:
        model = ProgramMembership
        fields = ["name", "program", "location_partner_id", "joined_on", "renews_on"]
        widgets = {
            "joined_on": forms.DateInput(attrs={"type": "date"}),
            "renews_on": forms.DateInput(attrs={"type": "date"}),
        }


class ProgramContactForm(forms.ModelForm[ProgramContact]):
    class Meta:
        model = ProgramContact
        fields = ["name", "email", "phone", "title", "is_spoc"]


class BaseContactFormSet(forms.BaseInlineFormSet[ProgramContact, PartnerProfile, Any]):
    """Validates the whole list at once: exactly one SPOC among the contacts that remain."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        remaining = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        try:
            services.check_single_spoc(
                services.ContactState(data["name"], bool(data.get("is_spoc"))) for data in remaining
            )
        except ValidationError as error:
            raise ValidationError(error.messages) from error


ProgramContactFormSet = forms.inlineformset_factory(
    PartnerProfile,
    ProgramContact,
    form=ProgramContactForm,
    formset=BaseContactFormSet,
    extra=1,
    can_delete=True,
)


class EndorsementForm(forms.ModelForm[Endorsement]):
    class Meta:
        model = Endorsement
        fields = ["workload", "valid_from", "valid_to"]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_to": forms.DateInput(attrs={"type": "date"}),
        }
        help_texts = {"valid_to": "Leave empty for an endorsement without an end date."}

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]
        if not self.errors:
            try:
                services.check_endorsement_overlap(self.instance)
            except ValidationError as error:
                self._update_errors(error)  # type: ignore[attr-defined]


class ReferralProfileForm(forms.ModelForm[ReferralProfile]):
    class Meta:
        model = ReferralProfile
        fields = [
            "languages",
            "industries",
            "target_customer_sizes",
            "countries_served",
            "referral_contact",
            "referrals_paused_until",
        ]
        widgets = {"referrals_paused_until": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        contact_field = self.fields["referral_contact"]
        assert isinstance(contact_field, forms.ModelChoiceField)
        contact_field.queryset = ProgramContact.objects.filter(profile=self.instance.profile_id)

    def clean_referrals_paused_until(self) -> Any:
        value = self.cleaned_data.get("referrals_paused_until")
        try:
            services.check_referral_pause(value)
        except ValidationError as error:
            raise ValidationError(error.error_dict["referrals_paused_until"]) from error
        return value
