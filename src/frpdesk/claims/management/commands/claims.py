import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import F
from django.utils import timezone

from frpdesk.claims.models import Claim
from frpdesk.claims.services import is_overdue, overdue_condition, reference


class Command(BaseCommand):
    help = (
        "List the CPOR claims, the nearest deadline first. With --json, one JSON list of objects "
        "with the keys claim_id (CLM-<id>), tenant_id, workloads (workload codes), state (draft, "
        "submitted, under_review, action_required, approved, rejected, dispute, rejected_final), "
        "next_deadline (YYYY-MM-DD: review start, review end, answer or dispute deadline; null "
        "without a clock) and overdue (true while submitted, under review or action required "
        "and today is after next_deadline)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Print one JSON list.")
        parser.add_argument("--overdue", action="store_true", help="Only overdue claims.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        claims = (
            Claim.objects.prefetch_related("workloads__workload")
            .defer("document")
            .order_by(F("deadline").asc(nulls_last=True), "pk")
        )
        if options["overdue"]:
            claims = claims.filter(overdue_condition(today))
        documents: list[dict[str, Any]] = [
            {
                "claim_id": reference(claim),
                "tenant_id": str(claim.tenant_id),
                "workloads": [item.workload.code for item in claim.workloads.all()],
                "state": claim.state,
                "next_deadline": claim.deadline.isoformat() if claim.deadline else None,
                "overdue": is_overdue(claim, today),
            }
            for claim in claims
        ]
        if options["json"]:
            self.stdout.write(json.dumps(documents))
            return
        if not documents:
            self.stdout.write("No claims." if not options["overdue"] else "No overdue claims.")
            return
        for document in documents:
            flag = "  OVERDUE" if document["overdue"] else ""
            deadline = document["next_deadline"] or "-"
            self.stdout.write(
                f"{document['claim_id']:<10} {document['state']:<16} {deadline:<10} "
                f"{', '.join(document['workloads'])}{flag}"
            )
