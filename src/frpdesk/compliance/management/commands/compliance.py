import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Case, Value, When

from frpdesk.compliance.models import CheckRun, Finding, RunStatus, Severity, Trigger
from frpdesk.compliance.services import latest_run, run_checks
from frpdesk.compliance.tables import rule_title


class Command(BaseCommand):
    help = (
        "Run every compliance check now (trigger 'command') and print the score and the open "
        'findings. With --json, one JSON object: {"score": float, "findings": [{"rule", '
        '"severity", "object", "message"}]} where rule is the rule\'s code, severity '
        "critical, major or minor, object the record's label and message what is wrong; most "
        "severe first. With --no-run, the latest completed run's figures, without running."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")
        parser.add_argument(
            "--no-run",
            action="store_true",
            help="Do not run the checks: print the latest completed run and the open findings.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["no_run"]:
            run = latest_run()
            if run is None:
                raise CommandError("No check run has completed yet: run `frpdesk compliance`.")
        else:
            run = run_checks(trigger=Trigger.COMMAND, acting_user=None)
            if run.status != RunStatus.DONE:
                raise CommandError(f"The check run failed: {run.error}")
        findings: list[dict[str, Any]] = [
            dict(row)
            for row in Finding.objects.filter(resolved_at__isnull=True)
            .order_by(
                Case(*(When(severity=s, then=Value(i)) for i, s in enumerate(Severity))),
                "rule",
                "object_label",
                "pk",
            )
            .values("rule", "severity", "object_label", "message")
        ]
        score = float(run.score) if run.score is not None else 100.0
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "score": score,
                        "findings": [
                            {
                                "rule": item["rule"],
                                "severity": item["severity"],
                                "object": item["object_label"],
                                "message": item["message"],
                            }
                            for item in findings
                        ],
                    }
                )
            )
            return
        self._table(run, score, findings)

    def _table(self, run: CheckRun, score: float, findings: list[dict[str, Any]]) -> None:
        self.stdout.write(
            f"Compliance score {score:.2f} (check run of {run.started_at:%Y-%m-%d %H:%M}: "
            f"{run.checked} checks, {run.failing} failing)"
        )
        if not findings:
            self.stdout.write("No open findings.")
            return
        self.stdout.write(f"{len(findings)} open finding{'s' if len(findings) != 1 else ''}:")
        for item in findings:
            self.stdout.write(
                f"  {item['severity'].upper():<8} {rule_title(item['rule'])[:42]:<42} "
                f"{item['object_label'][:48]:<48} {item['message']}"
            )
