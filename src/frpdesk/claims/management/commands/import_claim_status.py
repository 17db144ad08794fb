from frpdesk.claims.importing import import_claim_status
from frpdesk.core.management.file_import_command import FileImportCommand


class Command(FileImportCommand):
    help = (
        "Import claim status updates from Partner Center (CSV with the columns Claim reference, "
        "Status, Date, Reason). All or nothing; the same file twice changes nothing. A bad file "
        "writes nothing and exits 2 with one line naming the file, row and column."
    )
    importer = staticmethod(import_claim_status)
