"""The model versions of recommendations, pairs and rules now point at
``modelregistry.ModelVersion`` (same table, so state only: the database foreign keys already
reference ``intelligence_modelversion``)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0001_initial"),
        ("modelregistry", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="basketrule",
                    name="model_version",
                    field=models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="modelregistry.modelversion",
                    ),
                ),
                migrations.AlterField(
                    model_name="customerrecommendation",
                    name="model_version",
                    field=models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="modelregistry.modelversion",
                    ),
                ),
                migrations.AlterField(
                    model_name="productpair",
                    name="model_version",
                    field=models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="modelregistry.modelversion",
                    ),
                ),
            ],
        ),
    ]
