"""The demo shows a finding of every rule, and a trend of three runs; loading twice changes
nothing."""

from pathlib import Path
from typing import Any

import pytest

from frpdesk.compliance.demo import load_demo_compliance
from frpdesk.compliance.models import CheckRun, Finding, RunStatus
from frpdesk.compliance.rules import RULES
from frpdesk.core.demo import load_demo

pytestmark = pytest.mark.django_db


def test_the_demo_shows_every_kind_of_finding(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    load_demo()
    load_demo_compliance()
    runs = list(CheckRun.objects.order_by("started_at"))
    assert len(runs) == 3
    assert {run.status for run in runs} == {RunStatus.DONE}
    assert len({run.score for run in runs}) > 1  # the trend moves
    assert set(Finding.objects.values_list("rule", flat=True)) == set(RULES)
    open_rules = set(
        Finding.objects.filter(resolved_at__isnull=True).values_list("rule", flat=True)
    )
    # The SPOC is set in the demo: its finding is history, resolved by a later run.
    assert open_rules == set(RULES) - {"spoc_set"}
    assert Finding.objects.get(rule="spoc_set").resolved_by_run == runs[1]
    findings = Finding.objects.count()

    load_demo_compliance()
    assert CheckRun.objects.count() == 3
    assert Finding.objects.count() == findings


def test_without_demo_data_it_still_runs() -> None:
    load_demo_compliance()
    assert CheckRun.objects.filter(status=RunStatus.DONE).count() == 3
