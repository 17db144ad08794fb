"""The base of the SOW commands, which act on one engagement (``--engagement ID``)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from frpdesk.engagements.models import Engagement


class EngagementCommand(BaseCommand):
    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--engagement", required=True, type=int, metavar="ID", help="The engagement's id."
        )

    @staticmethod
    def engagement(options: dict[str, Any]) -> Engagement:
        """The engagement of ``--engagement``; exit code 2 with one line when there is none."""
        engagement = (
            Engagement.objects.select_related("customer").filter(pk=options["engagement"]).first()
        )
        if engagement is None:
            raise CommandError(f"There is no engagement {options['engagement']}.", returncode=2)
        return engagement
