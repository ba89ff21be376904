"""ModelVersion now belongs to ``modelregistry`` (its ``0001_initial``): drop it from this app's
state only. The table stays, under its old name, owned by the registry. This runs after every
foreign key to it was repointed, so the state never holds a dangling reference."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("intelligence", "0004_category_propensity"),
        ("modelregistry", "0001_initial"),
        ("insights", "0002_modelversion_in_modelregistry"),
        ("recommendations", "0002_modelversion_in_modelregistry"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="ModelVersion")],
        ),
    ]
