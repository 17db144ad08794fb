from frpdesk.core.management.file_import_command import FileImportCommand
from frpdesk.satisfaction.importing import import_survey


class Command(FileImportCommand):
    help = (
        "Import customer satisfaction survey results (CSV: tenant ID or customer name, date, "
        "response on the 4-point scale, comment). The same file twice changes nothing. A bad "
        "file writes nothing and exits 2 with one line naming the file, row and column."
    )
    importer = staticmethod(import_survey)
