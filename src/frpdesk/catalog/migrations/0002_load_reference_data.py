from django.db import migrations


def load(apps, schema_editor):
    from frpdesk.catalog.services import import_sku_catalog, load_program_catalog

    load_program_catalog(apps)
    import_sku_catalog(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
