from django.db import migrations, models


def sync_roles(apps, schema_editor):
    from frpdesk.accounts.roles import sync_role_presets

    sync_role_presets(apps)


class Migration(migrations.Migration):
    # Holidays start empty: the program administrator keeps the list for the partner's country.
    dependencies = [("catalog", "0002_load_reference_data"), ("accounts", "0002_role_presets")]

    operations = [
        migrations.CreateModel(
            name="Holiday",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("date", models.DateField(unique=True)),
                ("name", models.CharField(max_length=120)),
            ],
            options={"ordering": ["date"]},
        ),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
