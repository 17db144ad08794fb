from frpdesk.core.management.file_import_command import FileImportCommand
from frpdesk.incentives.importing import import_statement


class Command(FileImportCommand):
    help = (
        "Import a Microsoft incentive payment statement (CSV: statement date, tenant ID, "
        "workload, milestone, amount) and match its lines to our approved claims. The same file "
        "twice changes nothing. A bad file writes nothing and exits 2 with one line naming the "
        "file, row and column."
    )
    importer = staticmethod(import_statement)
