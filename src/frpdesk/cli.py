"""The ``frpdesk`` console script: Django's management commands with frpdesk's settings preset."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frpdesk.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["frpdesk", *sys.argv[1:]])
