from django.db import migrations


def sync(apps, schema_editor):
    from frpdesk.accounts.roles import sync_role_presets

    sync_role_presets(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("engagements", "0005_request_contract_and_claim_events"),
        ("claims", "0001_initial"),
        ("incentives", "0001_initial"),
        ("sow", "0002_role_presets"),
    ]
    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
