from django.db import migrations


def sync(apps, schema_editor):
    from frpdesk.accounts.roles import sync_role_presets

    sync_role_presets(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("adoption", "0002_role_presets"),
        ("referrals", "0001_initial"),
        ("engagements", "0002_initial"),
    ]
    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
