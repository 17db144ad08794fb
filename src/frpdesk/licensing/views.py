"""The licence upload of a customer page: a file in, a dated snapshot and fresh eligibility out."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.views import View

from frpdesk.core.access import Action, acting_user, require
from frpdesk.core.imports import ImportFailure
from frpdesk.core.views import AccessMixin
from frpdesk.customers.models import Customer
from frpdesk.customers.views import customer_page, customer_url, visible_customers
from frpdesk.licensing.forms import LicenceUploadForm
from frpdesk.licensing.models import Eligibility, LicenseSnapshot
from frpdesk.licensing.services import SnapshotOutcome, import_license_file


class LicenceUploadPage(AccessMixin, View):
    """POST a licence file for a customer; errors are shown on the customer's Licences tab."""

    model = LicenseSnapshot
    access_action: Action = "add"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return HttpResponseRedirect(customer_url(pk, "licences"))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        customer = get_object_or_404(visible_customers(request.user), pk=pk)
        form = LicenceUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            as_of = form.cleaned_data["as_of"]
            if LicenseSnapshot.objects.filter(customer=customer, as_of=as_of).exists():
                require(request.user, "change", LicenseSnapshot)
            try:
                outcome = import_license_file(
                    acting_user=acting_user(request),
                    customer=customer,
                    file_name=upload.name,
                    content=upload.read(),
                    as_of=as_of,
                )
            except ImportFailure as failure:
                form.add_error(None, str(failure))
            else:
                messages.success(request, outcome_message(customer, upload.name, outcome))
                return HttpResponseRedirect(customer_url(customer.pk, "licences"))
        return customer_page(request, customer, upload_form=form, active_tab="licences")


def outcome_message(customer: Customer, file_name: str, outcome: SnapshotOutcome) -> str:
    as_of = outcome.snapshot.as_of.isoformat()
    if not outcome.changed:
        text = (
            f"{file_name}: unchanged, the snapshot of {as_of} already holds these licences; "
            "nothing was written."
        )
    else:
        lines = outcome.snapshot.lines.count()
        verb = "created" if outcome.created else "replaced"
        text = (
            f"{file_name}: snapshot of {as_of} {verb} with {lines} SKU{'s' if lines != 1 else ''}."
        )
        result = Eligibility.objects.filter(customer=customer).first()
        if result is not None:
            state = "eligible" if result.eligible else "not eligible"
            text += (
                f" Tenant {state} with {result.eligible_seats:,} eligible seats "
                f"(licences as of {result.as_of.isoformat()})."
            )
    if outcome.unknown_skus:
        text += (
            " Unknown SKUs, not in the SKU catalog and counted for nothing: "
            f"{', '.join(outcome.unknown_skus)}."
        )
    return text
