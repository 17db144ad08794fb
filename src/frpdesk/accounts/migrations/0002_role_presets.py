from django.db import migrations


def sync(apps, schema_editor):
    from frpdesk.accounts.roles import sync_role_presets

    sync_role_presets(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("catalog", "0002_load_reference_data"),
        ("partner", "0001_initial"),
        ("directory", "0001_initial"),
        ("customers", "0001_initial"),
        ("licensing", "0001_initial"),
    ]
    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
