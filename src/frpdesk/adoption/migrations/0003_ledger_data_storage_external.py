"""PostgreSQL: store ``ActivityLedger.data`` out of line without compressing it.

The ledger is Parquet, already compressed (zstd): PostgreSQL's default storage of a bytea
(EXTENDED) runs pglz over every value above 2 kB first, in vain, which took 0.14 s of the 0.2 s
spent writing the ledger of a million users. EXTERNAL keeps it out of line, uncompressed.
Other databases have no such setting: nothing to do.
"""

from django.db import migrations


def _set_storage(storage: str):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        table = schema_editor.quote_name(
            apps.get_model("adoption", "ActivityLedger")._meta.db_table
        )
        schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN data SET STORAGE {storage}")

    return operation


class Migration(migrations.Migration):
    dependencies = [("adoption", "0002_role_presets")]
    operations = [migrations.RunPython(_set_storage("EXTERNAL"), _set_storage("EXTENDED"))]
