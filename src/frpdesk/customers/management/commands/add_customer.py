from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from frpdesk.customers.models import Customer
from frpdesk.customers.services import parse_tenant_id, save_customer


class Command(BaseCommand):
    help = "Add a customer (tenant). Exit code 2 with one line on stderr when the input is refused."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--tenant-id", required=True, help="The tenant's GUID.")
        parser.add_argument("--domain", default="", help="Primary domain, e.g. contoso.com.")
        parser.add_argument("--country", default="", help="Two-letter country code, e.g. US.")
        parser.add_argument("--edu", action="store_true", help="An education tenant.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            tenant_id = parse_tenant_id(options["tenant_id"])
            if Customer.objects.filter(tenant_id=tenant_id).exists():
                raise CommandError(
                    f"A customer with tenant ID {tenant_id} already exists.", returncode=2
                )
            customer = save_customer(
                acting_user=None,
                customer=Customer(
                    name=options["name"].strip(),
                    tenant_id=tenant_id,
                    primary_domain=options["domain"].strip().lower(),
                    country=options["country"].strip().upper(),
                    is_edu=options["edu"],
                ),
            )
        except ValidationError as error:
            raise CommandError(_one_line(error), returncode=2) from error
        self.stdout.write(f"Added customer {customer.name} (tenant {customer.tenant_id}).")


def _one_line(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
        )
    return " ".join(error.messages)
