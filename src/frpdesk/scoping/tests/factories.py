"""Test data for scoping: assessments and requests made through the services, and the signed
services contracts (``vas``) that cover out-of-scope work, written directly to the database."""

import datetime
import itertools
from collections.abc import Sequence

from django.utils import timezone

from frpdesk.accounts.models import User
from frpdesk.catalog.models import ScopeQuestion, Workload
from frpdesk.engagements.models import Engagement
from frpdesk.scoping import services
from frpdesk.scoping.models import CustomerRequest, DisclosureMethod, ScopeAssessment
from frpdesk.vas.models import Quote, QuoteState, ServicesContract

_numbers = itertools.count(1)


def assess(
    engagement: Engagement, answers: Sequence[bool], *, user: User | None = None
) -> ScopeAssessment:
    """An assessment answering the catalog questions in order (``[True, False, True]``)."""
    questions = list(ScopeQuestion.objects.order_by("number"))
    return services.assess_scope(
        acting_user=user,
        engagement=engagement,
        answers=[
            services.AnswerInput(question=question, answer=answer, comment=f"Comment {n}")
            for n, (question, answer) in enumerate(zip(questions, answers, strict=True), 1)
        ],
    )


def make_request(
    engagement: Engagement,
    description: str = "Guidance on configuring Teams meeting policies remotely",
    *,
    workload: str | None = None,
    classification: str = "",
    requested_on: datetime.date | None = None,
    user: User | None = None,
) -> CustomerRequest:
    return services.save_request(
        acting_user=user,
        customer_request=CustomerRequest(
            engagement=engagement,
            description=description,
            workload=Workload.objects.get(code=workload) if workload else None,
            classification=classification,
            requested_by="Rita Gruber",
            requested_on=requested_on or timezone.localdate() - datetime.timedelta(days=3),
        ),
    )


def out_of_scope_request(engagement: Engagement, user: User | None = None) -> CustomerRequest:
    return make_request(
        engagement,
        "Please do the hands-on device enrolment of our 300 laptops for us",
        classification="beyond_guidance",
        user=user,
    )


def disclose(customer_request: CustomerRequest, user: User) -> None:
    services.record_disclosure(
        acting_user=user,
        customer_request=customer_request,
        disclosed_by=user,
        disclosed_to="Rita Gruber",
        disclosed_on=timezone.localdate(),
        method=DisclosureMethod.MEETING,
    )


def make_contract(
    engagement: Engagement, state: str = QuoteState.SIGNED, title: str = "Device enrolment"
) -> ServicesContract:
    """A quote in ``state`` with its services contract (the vas services are not needed)."""
    number = next(_numbers)
    quote = Quote.objects.create(
        engagement=engagement,
        number=f"Q-TEST-{number:04d}",
        title=title,
        state=state,
        disclosure="Not covered by any Microsoft agreement.",
    )
    return ServicesContract.objects.create(
        quote=quote,
        number=f"C-TEST-{number:04d}",
        customer_signatory="Rita Gruber",
        signed_on=timezone.localdate(),
        starts_on=timezone.localdate(),
        disclosure="Not covered by any Microsoft agreement.",
    )
