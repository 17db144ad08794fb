from django.db import migrations


def load(apps, schema_editor):
    from frpdesk.sow.services import load_shipped_template

    load_shipped_template(apps)


class Migration(migrations.Migration):
    dependencies = [("sow", "0002_role_presets")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
