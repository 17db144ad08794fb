from frpdesk.core.management.file_import_command import FileImportCommand
from frpdesk.referrals.importing import import_referrals


class Command(FileImportCommand):
    help = (
        "Import Partner Center's FastTrack referrals export (CSV). Known referral IDs are "
        "updated, never duplicated; the same file twice changes nothing. A bad file writes "
        "nothing and exits 2 with one line naming the file, row and column."
    )
    importer = staticmethod(import_referrals)
