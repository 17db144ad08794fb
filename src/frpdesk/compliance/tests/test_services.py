"""Check runs: findings opened, kept and resolved; the score; a failing rule; the signal; the
scheduled and on-demand jobs."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from frpdesk.accounts.models import User
from frpdesk.compliance import services
from frpdesk.compliance.checks import CHECKS
from frpdesk.compliance.models import CheckRun, Finding, RuleResult, RunStatus, Trigger
from frpdesk.compliance.rules import RULES
from frpdesk.compliance.signals import findings_opened
from frpdesk.compliance.tasks import run_requested_checks, run_scheduled_checks
from frpdesk.core.jobs import SCHEDULE
from frpdesk.customers.models import CustomerContact
from frpdesk.customers.tests.factories import CustomerContactFactory, CustomerFactory
from frpdesk.engagements.models import Engagement
from frpdesk.engagements.tests.factories import make_engagement
from frpdesk.partner.models import ProgramContact

pytestmark = pytest.mark.django_db
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def run(now: datetime.datetime | None = None, user: User | None = None) -> CheckRun:
    return services.run_checks(trigger=Trigger.SCHEDULE, acting_user=user, now=now)


def survey_findings() -> list[Finding]:
    return list(Finding.objects.filter(rule="survey_contact").order_by("pk"))


def test_a_run_opens_keeps_and_resolves_findings(engagement: Engagement, consultant: User) -> None:
    contact = CustomerContact.objects.get(customer=engagement.customer)
    contact.survey_eligible = False
    contact.save()
    first_time = timezone.now() - datetime.timedelta(hours=2)
    first = run(first_time)
    assert first.status == RunStatus.DONE
    assert RuleResult.objects.filter(run=first).count() == len(RULES)
    (finding,) = survey_findings()
    assert finding.is_open
    assert (finding.opened_by_run, finding.opened_at, finding.last_seen_at) == (
        first,
        first_time,
        first_time,
    )
    assert (finding.customer, finding.engagement, finding.owner) == (
        engagement.customer,
        None,
        consultant,
    )
    assert finding.severity == RULES["survey_contact"].severity
    assert first.opened == Finding.objects.count() == first.failing
    assert first.resolved == 0

    # Seen again: the same finding, last seen later; nothing opened twice.
    second_time = first_time + datetime.timedelta(hours=1)
    second = run(second_time)
    (again,) = survey_findings()
    assert again.pk == finding.pk
    assert (again.opened_at, again.last_seen_at) == (first_time, second_time)
    assert second.opened == 0
    assert Finding.objects.filter(resolved_at__isnull=True).count() == second.failing

    # Fixed: resolved by the next run.
    contact.survey_eligible = True
    contact.save()
    third = run(second_time + datetime.timedelta(hours=1))
    (resolved,) = survey_findings()
    assert (resolved.resolved_at, resolved.resolved_by_run) == (third.started_at, third)
    assert third.resolved >= 1

    # Broken again: a new finding; the old one stays in the history.
    contact.survey_eligible = False
    contact.save()
    run()
    old, new = survey_findings()
    assert (old.pk, old.is_open, new.is_open) == (finding.pk, False, True)


def test_a_finding_follows_its_record(engagement: Engagement, consultant: User) -> None:
    CustomerContact.objects.filter(customer=engagement.customer).update(survey_eligible=False)
    run()
    engagement.customer.owner = None
    engagement.customer.save()
    CustomerContactFactory(customer=engagement.customer)  # one more, still none eligible
    run()
    (finding,) = survey_findings()
    assert finding.owner is None
    assert "None of its 2 contacts" in finding.message


def test_run_counts_and_score(engagement: Engagement) -> None:
    result = run()
    results = {item.rule: item for item in result.results.all()}
    assert set(results) == set(RULES)
    assert result.checked == sum(item.checked for item in results.values())
    assert result.failing == sum(item.failing for item in results.values())
    assert result.score == services.score_of(
        (item.severity, item.checked, item.failing) for item in results.values()
    )
    assert result.finished_at is not None
    assert result.finished_at >= result.started_at


def test_score_formula() -> None:
    assert services.score_of([]) == Decimal("100.00")
    assert services.score_of([("critical", 0, 0)]) == Decimal("100.00")
    # 100 × (1 − (3×1 + 1×10) ÷ (3×10 + 1×10))
    assert services.score_of([("critical", 10, 1), ("minor", 10, 10)]) == Decimal("67.50")
    assert services.score_of([("major", 3, 3)]) == Decimal("0.00")


results = st.lists(
    st.tuples(
        st.sampled_from(["critical", "major", "minor"]),
        st.integers(min_value=0, max_value=10_000),
        st.integers(min_value=0, max_value=10_000),
    ).map(lambda item: (item[0], item[1], min(item[1], item[2]))),
    max_size=15,
)


@given(results)
def test_score_is_a_percentage_and_100_without_failures(items: list[tuple[str, int, int]]) -> None:
    score = services.score_of(items)
    assert Decimal(0) <= score <= Decimal(100)
    assert services.score_of((severity, checked, 0) for severity, checked, _ in items) == 100


@given(results, st.data())
def test_score_falls_as_failures_grow(items: list[tuple[str, int, int]], data: Any) -> None:
    if not items:
        return
    index = data.draw(st.integers(min_value=0, max_value=len(items) - 1))
    severity, checked, failing = items[index]
    more = data.draw(st.integers(min_value=failing, max_value=checked))
    worse = [*items[:index], (severity, checked, more), *items[index + 1 :]]
    assert services.score_of(worse) <= services.score_of(items)


def test_a_rule_that_errors_fails_the_run_and_writes_nothing(
    engagement: Engagement, monkeypatch: pytest.MonkeyPatch
) -> None:
    ProgramContact.objects.update(is_spoc=False)
    first = run()
    spoc = Finding.objects.get(rule="spoc_set")
    ProgramContact.objects.filter(pk=ProgramContact.objects.first().pk).update(is_spoc=True)
    CustomerContact.objects.update(survey_eligible=False)  # would open a finding

    def broken(today: datetime.date) -> Any:
        raise RuntimeError("database went away")

    monkeypatch.setitem(CHECKS, "nsat", broken)
    failed = run()
    assert failed.status == RunStatus.FAILED
    assert failed.error == "Rule nsat could not be evaluated: RuntimeError: database went away"
    assert failed.score is None
    assert failed.finished_at is not None
    assert not RuleResult.objects.filter(run=failed).exists()
    spoc.refresh_from_db()
    assert spoc.is_open  # not resolved by the failed run
    assert not Finding.objects.filter(rule="survey_contact").exists()
    assert services.latest_run() == first


def test_the_signal_is_sent_after_commit_with_the_new_findings_only(
    engagement: Engagement, django_capture_on_commit_callbacks: Any
) -> None:
    received: list[tuple[CheckRun, list[Finding]]] = []

    def receiver(sender: Any, run: CheckRun, findings: list[Finding], **kwargs: Any) -> None:
        received.append((run, findings))

    findings_opened.connect(receiver)
    try:
        CustomerContact.objects.update(survey_eligible=False)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            first = run()
        assert received == []  # not before the commit
        for callback in callbacks:
            callback()
        ((sent_run, sent),) = received
        assert sent_run == first
        assert {finding.pk for finding in sent} == set(
            Finding.objects.filter(opened_by_run=first).values_list("pk", flat=True)
        )
        assert all(finding.pk for finding in sent)

        received.clear()
        with django_capture_on_commit_callbacks(execute=True):
            run()
        assert received == []  # nothing new

        other = CustomerFactory(name="Litware")
        make_engagement(customer=other)
        with django_capture_on_commit_callbacks(execute=True):
            third = run()
        ((_, sent),) = received
        assert ("survey_contact", other.pk) in [(f.rule, f.object_id) for f in sent]
        assert {finding.pk for finding in sent} == set(
            Finding.objects.filter(opened_by_run=third).values_list("pk", flat=True)
        )
        assert not Finding.objects.filter(opened_by_run=third, customer=engagement.customer)
    finally:
        findings_opened.disconnect(receiver)


def test_a_failing_receiver_does_not_break_the_run(
    engagement: Engagement,
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: Any,
) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("mail server down")

    findings_opened.connect(broken)
    try:
        CustomerContact.objects.update(survey_eligible=False)
        with django_capture_on_commit_callbacks(execute=True):
            done = run()
    finally:
        findings_opened.disconnect(broken)
    assert done.status == RunStatus.DONE
    assert "A receiver of findings_opened" in caplog.text


def test_trend_and_open_findings_by_severity(engagement: Engagement) -> None:
    CustomerContact.objects.update(survey_eligible=False)
    start = timezone.now() - datetime.timedelta(days=2)
    runs = [run(start + datetime.timedelta(hours=hours)) for hours in (0, 1, 2)]
    assert services.score_trend() == runs
    assert services.score_trend(2) == runs[1:]
    counts = services.open_findings_by_severity()
    assert list(counts) == ["critical", "major", "minor"]
    assert (
        counts["major"]
        == Finding.objects.filter(resolved_at__isnull=True, severity="major").count()
        >= 1
    )
    trend_runs, trends = services.rule_trends()
    assert trend_runs == runs
    assert trends["survey_contact"] == [1, 1, 1]


def test_the_hourly_job_is_scheduled(settings: Any) -> None:
    settings.TASKS = IMMEDIATE
    assert any(job.task is run_scheduled_checks for job in SCHEDULE.values())
    (job,) = [job for job in SCHEDULE.values() if job.task is run_scheduled_checks]
    assert job.interval == datetime.timedelta(hours=1)
    run_scheduled_checks.enqueue()
    assert CheckRun.objects.get().trigger == Trigger.SCHEDULE


def test_an_on_demand_run_is_queued_then_run(
    settings: Any, program_admin: User, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = IMMEDIATE
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queued = services.request_run(acting_user=program_admin)
    assert (queued.status, queued.trigger, queued.started_by) == (
        RunStatus.RUNNING,
        Trigger.ON_DEMAND,
        program_admin,
    )
    # A second request while it is under way shows the same run.
    assert services.request_run(acting_user=program_admin) == queued
    assert len(callbacks) == 1
    callbacks[0]()
    queued.refresh_from_db()
    assert queued.status == RunStatus.DONE
    run_requested_checks.enqueue(queued.pk)  # delivered twice: nothing happens again
    assert CheckRun.objects.count() == 1
    assert services.run_requested(123456) is None
