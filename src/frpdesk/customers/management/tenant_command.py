"""The base of every command that acts on one tenant (``--tenant-id GUID``)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from frpdesk.customers.models import Customer
from frpdesk.customers.services import customer_by_tenant


class TenantCommand(BaseCommand):
    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant-id", required=True, help="The customer's tenant ID (a GUID).")

    @staticmethod
    def customer(options: dict[str, Any]) -> Customer:
        """The customer of ``--tenant-id``; exit code 2 with one line when there is none."""
        try:
            return customer_by_tenant(options["tenant_id"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages), returncode=2) from error
