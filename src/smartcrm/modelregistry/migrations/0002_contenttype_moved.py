"""On a database migrated before the move, the content type of ModelVersion (and with it the
admin log entries and permissions that point at it) still says ``intelligence``: relabel it. On a
fresh database there is nothing to relabel yet (content types are created after migrating)."""

from typing import Any

from django.db import migrations


def relabel(apps: Any, schema_editor: Any) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    if content_type.objects.filter(app_label="modelregistry", model="modelversion").exists():
        return
    content_type.objects.filter(app_label="intelligence", model="modelversion").update(
        app_label="modelregistry"
    )


def unlabel(apps: Any, schema_editor: Any) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="modelregistry", model="modelversion").update(
        app_label="intelligence"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("modelregistry", "0001_initial"),
        ("intelligence", "0005_modelversion_moved"),
    ]

    operations = [migrations.RunPython(relabel, unlabel)]
