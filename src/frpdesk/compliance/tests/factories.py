"""Test data for compliance: check runs, rule results and findings written directly (the rules are
tested through ``run_checks``; everything else wants a run or a finding, quickly)."""

import datetime
from typing import Any

from django.utils import timezone

from frpdesk.compliance.models import CheckRun, Finding, RuleResult, RunStatus, Severity, Trigger
from frpdesk.compliance.rules import RULES
from frpdesk.customers.models import Customer
from frpdesk.engagements.models import Engagement


def make_check_run(
    *,
    score: str | None = "87.50",
    status: str = RunStatus.DONE,
    trigger: str = Trigger.SCHEDULE,
    started_at: datetime.datetime | None = None,
    **fields: Any,
) -> CheckRun:
    """A completed run (by default) with a score and counts."""
    started = started_at or timezone.now()
    return CheckRun.objects.create(
        started_at=started,
        finished_at=started + datetime.timedelta(seconds=2)
        if status != RunStatus.RUNNING
        else None,
        trigger=trigger,
        status=status,
        score=score if status == RunStatus.DONE else None,
        checked=fields.pop("checked", 8),
        failing=fields.pop("failing", 1),
        opened=fields.pop("opened", 1),
        resolved=fields.pop("resolved", 0),
        **fields,
    )


def make_rule_result(
    *, run: CheckRun | None = None, rule: str = "survey_contact", checked: int = 8, failing: int = 1
) -> RuleResult:
    return RuleResult.objects.create(
        run=run or make_check_run(),
        rule=rule,
        severity=RULES[rule].severity,
        checked=checked,
        failing=failing,
    )


def make_finding(
    *,
    customer: Customer | None = None,
    engagement: Engagement | None = None,
    rule: str = "survey_contact",
    run: CheckRun | None = None,
    resolved: bool = False,
    **fields: Any,
) -> Finding:
    """An open finding (``resolved=True``: resolved by a later run) about ``customer`` (or the
    engagement's), as ``run_checks`` would have written it."""
    run = run or make_check_run()
    customer = customer or (engagement.customer if engagement is not None else None)
    now = timezone.now()
    values: dict[str, Any] = {
        "rule": rule,
        "severity": RULES[rule].severity,
        "object_type": "customers.customer" if customer else "partner.partnerprofile",
        "object_id": customer.pk if customer else 1,
        "object_label": str(customer) if customer else "Contoso Consulting",
        "message": "None of its 2 contacts may receive Microsoft's satisfaction survey.",
        "fix_url": f"/customers/{customer.pk}/?tab=contacts" if customer else "/partner/",
        "customer": customer,
        "engagement": engagement,
        "owner": customer.owner if customer else None,
        "opened_at": now,
        "opened_by_run": run,
        "last_seen_at": now,
    }
    values.update(fields)
    if resolved:
        values["resolved_at"] = now
        values["resolved_by_run"] = make_check_run()
    return Finding.objects.create(**values)


SEVERITIES = [severity.value for severity in Severity]
