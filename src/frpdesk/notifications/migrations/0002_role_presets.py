from django.db import migrations


def sync(apps, schema_editor):
    from frpdesk.accounts.roles import sync_role_presets

    sync_role_presets(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("incentives", "0002_role_presets"),
        ("compliance", "0001_initial"),
        ("satisfaction", "0001_initial"),
        ("notifications", "0001_initial"),
    ]
    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
