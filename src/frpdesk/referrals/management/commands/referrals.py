import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from frpdesk.referrals.models import Referral
from frpdesk.referrals.services import by_urgency, is_overdue, overdue_condition


class Command(BaseCommand):
    help = (
        "List the referrals, the most urgent first. With --json, one JSON list of objects with "
        "the keys referral_id, tenant_id (null when unknown), acceptance (pending, accepted, "
        "declined or reassigned), first_response_due and acceptance_due (YYYY-MM-DD) and overdue "
        "(true while the referral is pending and today is after its acceptance due date, or "
        "after its first response due date with no first response recorded; the due day itself "
        "is not overdue)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Print one JSON list.")
        parser.add_argument("--overdue", action="store_true", help="Only overdue referrals.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        referrals = by_urgency(Referral.objects.all(), today)
        if options["overdue"]:
            referrals = referrals.filter(overdue_condition(today))
        documents = [
            {
                "referral_id": referral.referral_id,
                "tenant_id": str(referral.tenant_id) if referral.tenant_id else None,
                "acceptance": referral.acceptance,
                "first_response_due": referral.first_response_due.isoformat(),
                "acceptance_due": referral.acceptance_due.isoformat(),
                "overdue": is_overdue(referral, today),
            }
            for referral in referrals
        ]
        if options["json"]:
            self.stdout.write(json.dumps(documents))
            return
        if not documents:
            self.stdout.write(
                "No referrals." if not options["overdue"] else "No overdue referrals."
            )
            return
        for document in documents:
            flag = "  OVERDUE" if document["overdue"] else ""
            self.stdout.write(
                f"{document['referral_id']:<16} {document['acceptance']:<10} first response due "
                f"{document['first_response_due']}  accept by {document['acceptance_due']}{flag}"
            )
