from django.db import migrations


def load(apps, schema_editor):
    """Link the scope questions to their VAS items and add the PoE date window (2026.11.3).

    Only what is new is written: thresholds the administrator edited keep their values.
    """
    import json
    from decimal import Decimal

    from frpdesk.catalog.services import PROGRAM_CATALOG_FILE

    data = json.loads(PROGRAM_CATALOG_FILE.read_text(encoding="utf-8"))
    vas_items = apps.get_model("catalog", "VasItem").objects
    for item in data["scope_questions"]:
        apps.get_model("catalog", "ScopeQuestion").objects.filter(
            number=item["number"], suggested_vas__isnull=True
        ).update(suggested_vas=vas_items.filter(code=item["vas_item"]).first())
    for item in data["thresholds"]:
        if item["code"] == "poe_max_age_days":
            apps.get_model("catalog", "Threshold").objects.get_or_create(
                code=item["code"],
                defaults={
                    "name": item["name"],
                    "value": Decimal(str(item["value"])),
                    "unit": item["unit"],
                    "description": item["description"],
                },
            )
    apps.get_model("catalog", "CatalogRelease").objects.filter(name="program-catalog").update(
        version=data["version"]
    )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_scope_question_suggested_vas")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
