"""The forecast's model version now points at ``modelregistry.ModelVersion`` (same table, so
state only: the database foreign key already references ``intelligence_modelversion``)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0001_initial"),
        ("modelregistry", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="storedforecast",
                    name="model_version",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        to="modelregistry.modelversion",
                    ),
                ),
            ],
        ),
    ]
