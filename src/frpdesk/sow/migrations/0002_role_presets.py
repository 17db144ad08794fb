from django.db import migrations


def sync(apps, schema_editor):
    from frpdesk.accounts.roles import sync_role_presets

    sync_role_presets(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("engagements", "0004_scope_vas_sow_events"),
        ("catalog", "0005_scope_vas_and_poe_threshold"),
        ("scoping", "0001_initial"),
        ("vas", "0001_initial"),
        ("sow", "0001_initial"),
    ]
    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
