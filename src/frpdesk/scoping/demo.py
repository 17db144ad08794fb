"""Demo data of the scoping area, added to the demo engagements (``core.demo`` calls it after the
engagements and the vas demo).

Each open engagement without an assessment gets one assessment with a "no" (project
management), an in-scope request, and an out-of-scope request from its first workload's
out-of-scope list that is disclosed, and covered by the engagement's signed services contract
when the vas demo made one. Everything goes through the services, so the timeline tells it too.
"""

import datetime

from django.utils import timezone

from frpdesk.accounts.models import User
from frpdesk.catalog.models import ScopeQuestion
from frpdesk.engagements.models import Engagement
from frpdesk.scoping import services
from frpdesk.scoping.models import CustomerRequest, DisclosureMethod

COMMENTS = {
    1: "The IT team works remotely with us; screen sharing is fine.",
    2: "Their admins run the assessment tools themselves.",
    3: "No project manager on the customer side; the sponsor asked us for one.",
}


def load_demo_scoping() -> None:
    consultant = User.objects.get(username="consultant")
    today = timezone.localdate()
    questions = list(ScopeQuestion.objects.order_by("number"))
    engagements = Engagement.objects.filter(closed_on=None, scope_assessments=None)
    for engagement in engagements.select_related("customer").order_by("pk"):
        services.assess_scope(
            acting_user=consultant,
            engagement=engagement,
            answers=[
                services.AnswerInput(
                    question=question,
                    answer=question.number != 3,
                    comment=COMMENTS.get(question.number, ""),
                )
                for question in questions
            ],
        )
        workload = engagement.workloads.select_related("workload").first()
        first = workload.workload if workload else None
        services.save_request(
            acting_user=consultant,
            customer_request=CustomerRequest(
                engagement=engagement,
                workload=first,
                description=f"Walk the IT team through the {first.name if first else 'tenant'} "
                "admin settings in a remote session.",
                requested_by="IT lead",
                requested_on=today - datetime.timedelta(days=6),
            ),
        )
        item = first.out_of_scope.first() if first else None
        # Worded from the workload's out-of-scope list, so the suggestion finds the entry.
        asked = item.description.lower() if item else "onsite consultants for the rollout week"
        out_of_scope = services.save_request(
            acting_user=consultant,
            customer_request=CustomerRequest(
                engagement=engagement,
                workload=first if item else None,
                description=f"Could your team take care of the {asked} for us?",
                requested_by="IT lead",
                requested_on=today - datetime.timedelta(days=4),
            ),
        )
        contact = engagement.customer.contacts.order_by("pk").first()
        services.record_disclosure(
            acting_user=consultant,
            customer_request=out_of_scope,
            disclosed_by=consultant,
            disclosed_to_contact=contact,
            disclosed_to="" if contact else "IT lead",
            disclosed_on=today - datetime.timedelta(days=3),
            method=DisclosureMethod.MEETING,
            note="Explained that this is a fee-based value-added service, not FastTrack work.",
        )
        contract = services.covering_contracts(engagement).first()
        if contract is not None:
            services.link_contract(
                acting_user=consultant, customer_request=out_of_scope, contract=contract
            )
