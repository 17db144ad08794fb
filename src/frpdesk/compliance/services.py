"""Check runs: every rule evaluated over the portfolio, findings opened, kept and resolved.

``run_checks`` evaluates each rule of ``RULES`` (``compliance/checks.py``) and, in one
transaction, writes one ``RuleResult`` per rule, opens a ``Finding`` for each failing record that
has no open one yet, refreshes the open findings still failing (last seen, message, owner) and
resolves the open ones no longer failing. Everything is written in bulk: the number of queries
does not grow with the number of records. Once the run has committed, ``findings_opened`` is sent
with the findings it opened (notifications alerts on the critical ones).

The **score** of a run is 100 × (1 − Σ weight × failing ÷ Σ weight × checked) with the rule's
severity weight (critical 3, major 2, minor 1); 100 when nothing was checked.

A rule that fails to evaluate (an error, not a failing record) marks the run failed with the
error and writes nothing else; the error is logged, never raised to a page.

On-demand runs from the pages are queued (``request_run``) and run by the job worker
(``tasks.run_requested_checks``); the schedule runs them hourly, the API and the CLI at once.
"""

import datetime
import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone

from frpdesk.accounts.models import User
from frpdesk.compliance.checks import CHECKS, Failure
from frpdesk.compliance.models import (
    CheckRun,
    Finding,
    RuleResult,
    RunStatus,
    Severity,
    Trigger,
)
from frpdesk.compliance.rules import RULES, SEVERITY_WEIGHT
from frpdesk.compliance.signals import findings_opened

logger = logging.getLogger(__name__)

BATCH = 500
# A queued or running on-demand run younger than this makes "Run checks now" show it instead of
# queuing another one.
RUNNING_FOR_AT_MOST = datetime.timedelta(minutes=15)
# Fields a later run refreshes on a finding that is still open.
REFRESHED = (
    "severity",
    "object_label",
    "message",
    "fix_url",
    "customer_id",
    "engagement_id",
    "owner_id",
)


class RuleEvaluationError(Exception):
    def __init__(self, rule: str, error: Exception) -> None:
        self.rule = rule
        super().__init__(f"Rule {rule} could not be evaluated: {type(error).__name__}: {error}")


# --- the score -------------------------------------------------------------------------------


def score_of(results: Iterable[tuple[str, int, int]]) -> Decimal:
    """The score of ``(severity, checked, failing)`` triples, rounded to 0.01."""
    total = failing = 0
    for severity, checked, failed in results:
        weight = SEVERITY_WEIGHT[Severity(severity)]
        total += weight * checked
        failing += weight * min(failed, checked)
    if total == 0:
        return Decimal("100.00")
    value = Decimal(100) * (1 - Decimal(failing) / Decimal(total))
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# --- a run -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Evaluated:
    rule: str
    severity: str
    checked: int
    failures: dict[tuple[str, int], Failure]


def evaluate_all(today: datetime.date) -> list[Evaluated]:
    """Every rule of the catalogue, in order; a rule that errors raises RuleEvaluationError."""
    evaluated = []
    for code, rule in RULES.items():
        try:
            evaluation = CHECKS[code](today)
        except Exception as error:
            raise RuleEvaluationError(code, error) from error
        failures: dict[tuple[str, int], Failure] = {}
        for failure in evaluation.failures:
            failures.setdefault((failure.object_type, failure.object_id), failure)
        evaluated.append(
            Evaluated(code, rule.severity, max(evaluation.checked, len(failures)), failures)
        )
    return evaluated


def run_checks(
    *,
    trigger: str,
    acting_user: User | None,
    now: datetime.datetime | None = None,
    run: CheckRun | None = None,
) -> CheckRun:
    """Evaluate every rule and record the outcome (see the module). ``run``: a queued run to
    carry out (``request_run``); otherwise a new one is started. Returns the run, done or
    failed."""
    now = now or timezone.now()
    if run is None:
        run = CheckRun.objects.create(
            started_at=now, trigger=trigger, started_by=acting_user, status=RunStatus.RUNNING
        )
    elif run.status != RunStatus.RUNNING:  # a queued run delivered twice
        return run
    else:
        run.started_at = now
        run.save(update_fields=["started_at"])
    started = time.perf_counter()
    try:
        with transaction.atomic():
            opened = _record(run, evaluate_all(timezone.localdate(now)), now, started)
            if opened:
                transaction.on_commit(lambda: _announce(run, opened))
    except Exception as error:
        logger.exception("Compliance check run %s failed", run.pk)
        run.status = RunStatus.FAILED
        run.error = (
            str(error)[:2000]
            if isinstance(error, RuleEvaluationError)
            else (f"{type(error).__name__}: {error}"[:2000])
        )
        run.finished_at = now + datetime.timedelta(seconds=time.perf_counter() - started)
        run.score = None
        run.checked = run.failing = run.opened = run.resolved = 0
        CheckRun.objects.filter(pk=run.pk).update(
            status=run.status,
            error=run.error,
            finished_at=run.finished_at,
            score=None,
            checked=0,
            failing=0,
            opened=0,
            resolved=0,
        )
    return run


def _announce(run: CheckRun, opened: list[Finding]) -> None:
    """``findings_opened`` to every receiver; a receiver that fails is logged, not raised: the run
    is committed and the page that asked for it must not break."""
    for receiver, outcome in findings_opened.send_robust(sender=CheckRun, run=run, findings=opened):
        if isinstance(outcome, Exception):
            logger.error(
                "A receiver of findings_opened (%s) failed for run %s",
                receiver,
                run.pk,
                exc_info=(type(outcome), outcome, outcome.__traceback__),
            )


def _record(
    run: CheckRun, evaluated: Sequence[Evaluated], now: datetime.datetime, started: float
) -> list[Finding]:
    """Write the results and the findings of ``run``; returns the findings it opened."""
    RuleResult.objects.bulk_create(
        [
            RuleResult(
                run=run,
                rule=item.rule,
                severity=item.severity,
                checked=item.checked,
                failing=len(item.failures),
            )
            for item in evaluated
        ],
        batch_size=BATCH,
    )
    failing = {
        (item.rule, *key): (item.severity, failure)
        for item in evaluated
        for key, failure in item.failures.items()
    }
    open_findings = {
        (finding.rule, finding.object_type, finding.object_id): finding
        for finding in Finding.objects.filter(resolved_at__isnull=True).only(
            "pk", "rule", "object_type", "object_id", *REFRESHED
        )
    }
    gone = [finding.pk for key, finding in open_findings.items() if key not in failing]
    for start in range(0, len(gone), BATCH):
        Finding.objects.filter(pk__in=gone[start : start + BATCH]).update(
            resolved_at=now, resolved_by_run=run
        )
    Finding.objects.filter(resolved_at__isnull=True).update(last_seen_at=now)
    changed = []
    new = []
    for key, (severity, failure) in failing.items():
        values = {
            "severity": severity,
            "object_label": failure.label[:300],
            "message": failure.message[:500],
            "fix_url": failure.fix_url[:300],
            "customer_id": failure.customer_id,
            "engagement_id": failure.engagement_id,
            "owner_id": failure.owner_id,
        }
        finding = open_findings.get(key)
        if finding is None:
            new.append(
                Finding(
                    rule=key[0],
                    object_type=failure.object_type,
                    object_id=failure.object_id,
                    opened_at=now,
                    opened_by_run=run,
                    last_seen_at=now,
                    **values,
                )
            )
        elif any(getattr(finding, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(finding, name, value)
            changed.append(finding)
    Finding.objects.bulk_update(changed, list(REFRESHED), batch_size=BATCH)
    created = Finding.objects.bulk_create(new, batch_size=BATCH)
    if any(finding.pk is None for finding in created):  # a database without RETURNING
        created = list(Finding.objects.filter(opened_by_run=run).order_by("pk"))
    run.status = RunStatus.DONE
    run.score = score_of((item.severity, item.checked, len(item.failures)) for item in evaluated)
    run.checked = sum(item.checked for item in evaluated)
    run.failing = sum(len(item.failures) for item in evaluated)
    run.opened = len(created)
    run.resolved = len(gone)
    run.error = ""
    run.finished_at = now + datetime.timedelta(seconds=time.perf_counter() - started)
    run.save()
    return created


# --- on demand -------------------------------------------------------------------------------


def running_run(now: datetime.datetime | None = None) -> CheckRun | None:
    """A run queued or running since less than ``RUNNING_FOR_AT_MOST``, if any."""
    since = (now or timezone.now()) - RUNNING_FOR_AT_MOST
    return CheckRun.objects.filter(status=RunStatus.RUNNING, started_at__gte=since).first()


@transaction.atomic
def request_run(*, acting_user: User | None, now: datetime.datetime | None = None) -> CheckRun:
    """Queue an on-demand run for the job worker (once this transaction commits); a run already
    under way is returned instead of queuing another."""
    current = running_run(now)
    if current is not None:
        return current
    run = CheckRun.objects.create(
        started_at=now or timezone.now(),
        trigger=Trigger.ON_DEMAND,
        started_by=acting_user,
        status=RunStatus.RUNNING,
    )
    run_id = run.pk
    transaction.on_commit(lambda: _enqueue(run_id))
    return run


def _enqueue(run_id: int) -> None:
    from frpdesk.compliance.tasks import run_requested_checks

    run_requested_checks.enqueue(run_id)


def run_requested(run_id: int, now: datetime.datetime | None = None) -> CheckRun | None:
    """The job of a queued run; None when the run is gone."""
    run = CheckRun.objects.select_related("started_by").filter(pk=run_id).first()
    if run is None:
        return None
    return run_checks(trigger=run.trigger, acting_user=run.started_by, now=now, run=run)


# --- figures ---------------------------------------------------------------------------------


def latest_run() -> CheckRun | None:
    """The newest run that completed."""
    return CheckRun.objects.filter(status=RunStatus.DONE).order_by("-started_at", "-pk").first()


def score_trend(limit: int = 30) -> list[CheckRun]:
    """The newest ``limit`` completed runs, oldest first: the score over time."""
    runs = CheckRun.objects.filter(status=RunStatus.DONE).order_by("-started_at", "-pk")[:limit]
    return list(reversed(runs))


def open_findings_by_severity() -> dict[str, int]:
    """Open findings per severity (every severity, most severe first)."""
    counts = dict(
        Finding.objects.filter(resolved_at__isnull=True)
        .values("severity")
        .annotate(count=Count("pk"))
        .values_list("severity", "count")
    )
    return {severity.value: counts.get(severity.value, 0) for severity in Severity}


def open_findings_by_rule(findings: QuerySet[Finding]) -> dict[str, int]:
    counts = dict(
        findings.filter(resolved_at__isnull=True)
        .values("rule")
        .annotate(count=Count("pk"))
        .values_list("rule", "count")
    )
    return {code: counts.get(code, 0) for code in RULES}


def rule_trends(limit: int = 30) -> tuple[list[CheckRun], dict[str, list[int | None]]]:
    """The newest ``limit`` completed runs (oldest first) and, per rule, how many records failed
    in each of them (None: the rule did not exist yet)."""
    runs = score_trend(limit)
    failing: dict[tuple[int, str], int] = {
        (run_id, rule): count
        for run_id, rule, count in RuleResult.objects.filter(run__in=runs).values_list(
            "run_id", "rule", "failing"
        )
    }
    return runs, {code: [failing.get((run.pk, code)) for run in runs] for code in RULES}
