from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views import View
from django_stubs_ext import StrOrPromise

from frpdesk.core.access import Action, acting_user, require
from frpdesk.core.views import AccessMixin, CreatePage, DeletePage, UpdatePage
from frpdesk.partner import services
from frpdesk.partner.forms import (
    EndorsementForm,
    PartnerProfileForm,
    ProgramContactFormSet,
    ProgramMembershipForm,
    ReferralProfileForm,
)
from frpdesk.partner.models import (
    Endorsement,
    PartnerProfile,
    ProgramContact,
    ProgramMembership,
    ReferralProfile,
)
from frpdesk.partner.tables import EndorsementTable, ProgramContactTable, ProgramMembershipTable

PROFILE_URL = reverse_lazy("partner:profile")


class ProfilePage(AccessMixin, View):
    model = PartnerProfile

    def get(self, request: HttpRequest) -> HttpResponse:
        profile = services.current_profile()
        context: dict[str, Any] = {"title": "Partner profile", "object": profile}
        if profile is not None:
            today = timezone.localdate()
            context.update(
                spoc=services.spoc(profile),
                referral_profile=getattr(profile, "referral_profile", None),
                membership_table=ProgramMembershipTable(
                    profile.memberships.all(), request=request, prefix="m-"
                ),
                contact_table=ProgramContactTable(
                    profile.contacts.all(), request=request, prefix="c-"
                ),
                endorsement_table=EndorsementTable(
                    profile.endorsements.select_related("workload"), request=request, prefix="e-"
                ),
                active_endorsement_count=len(services.active_endorsements(profile, today)),
                paused=profile.referral_profile.paused_on(today)
                if hasattr(profile, "referral_profile")
                else False,
            )
        return render(request, "partner/profile.html", context)


class ProfileEditPage(UpdatePage):
    model = PartnerProfile
    form_class = PartnerProfileForm
    success_url = PROFILE_URL
    cancel_url_name = "partner:profile"
    title = "Organisation details"
    success_message = "Partner profile saved."

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if services.current_profile() is None:
            self.access_action = "add"
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, queryset: Any = None) -> Any:
        return services.current_profile() or PartnerProfile(pk=services.PROFILE_PK)

    def perform_save(self, form: Any) -> models.Model:
        return services.save_profile(acting_user=acting_user(self.request), **form.cleaned_data)


class ContactsEditPage(AccessMixin, View):
    """Edit all program contacts at once, so moving the SPOC is one consistent change."""

    model = ProgramContact
    access_action: Action = "change"

    def get(self, request: HttpRequest) -> HttpResponse:
        profile = services.current_profile()
        if profile is None:
            return self.set_up_profile_first()
        return self.render(ProgramContactFormSet(instance=profile))

    def post(self, request: HttpRequest) -> HttpResponse:
        profile = services.current_profile()
        if profile is None:
            return self.set_up_profile_first()
        formset = ProgramContactFormSet(request.POST, instance=profile)
        if formset.is_valid():
            deleted = formset.deleted_forms
            keep = [
                form.instance
                for form in formset.forms
                if form not in deleted and (form.instance.pk or form.has_changed())
            ]
            remove = [form.instance for form in deleted if form.instance.pk]
            if remove:
                require(request.user, "delete", ProgramContact)
            try:
                services.save_contacts(
                    acting_user=acting_user(request),
                    profile=profile,
                    keep=keep,
                    remove=remove,
                )
            except ValidationError as error:
                formset._non_form_errors = formset.error_class(error.messages)  # type: ignore[attr-defined]
            else:
                messages.success(request, "Program contacts saved.")
                return HttpResponseRedirect(PROFILE_URL)
        return self.render(formset)

    def set_up_profile_first(self) -> HttpResponse:
        messages.info(self.request, "Set up the organisation details first.")
        return HttpResponseRedirect(reverse("partner:profile-edit"))

    def render(self, formset: Any) -> HttpResponse:
        return render(
            request=self.request,
            template_name="partner/contacts_form.html",
            context={"title": "Program contacts and single point of contact", "formset": formset},
        )


class ReferralProfileEditPage(UpdatePage):
    model = ReferralProfile
    form_class = ReferralProfileForm
    success_url = PROFILE_URL
    cancel_url_name = "partner:profile"
    title = "Referral profile"
    success_message = "Referral profile saved."

    def get_object(self, queryset: Any = None) -> Any:
        profile = services.current_profile()
        if profile is None:
            from django.http import Http404

            raise Http404("Set up the partner profile first.")
        return ReferralProfile.objects.get_or_create(profile=profile)[0]

    def perform_save(self, form: Any) -> models.Model:
        return services.save_referral_profile(
            acting_user=acting_user(self.request), referral_profile=form.instance
        )


class ProfileChildMixin:
    """Create/update/delete of records that hang off the partner profile."""

    success_url: StrOrPromise | None = PROFILE_URL
    cancel_url_name = "partner:profile"

    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)  # type: ignore[misc]
        form.instance.profile = services.current_profile()
        return form


class MembershipCreatePage(ProfileChildMixin, CreatePage):
    model = ProgramMembership
    form_class = ProgramMembershipForm
    success_message = "Program membership added."


class MembershipEditPage(ProfileChildMixin, UpdatePage):
    model = ProgramMembership
    form_class = ProgramMembershipForm
    success_message = "Program membership saved."


class MembershipDeletePage(DeletePage):
    model = ProgramMembership
    success_url = PROFILE_URL


class EndorsementCreatePage(ProfileChildMixin, CreatePage):
    model = Endorsement
    form_class = EndorsementForm
    success_message = "Endorsement added."

    def perform_save(self, form: Any) -> models.Model:
        return services.save_endorsement(
            acting_user=acting_user(self.request), endorsement=form.instance
        )


class EndorsementEditPage(ProfileChildMixin, UpdatePage):
    model = Endorsement
    form_class = EndorsementForm
    success_message = "Endorsement saved."

    def perform_save(self, form: Any) -> models.Model:
        return services.save_endorsement(
            acting_user=acting_user(self.request), endorsement=form.instance
        )


class EndorsementDeletePage(DeletePage):
    model = Endorsement
    success_url = PROFILE_URL
