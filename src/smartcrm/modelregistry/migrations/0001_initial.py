"""ModelVersion moves here from the intelligence app, in the migration state only.

The table ``intelligence_modelversion`` was created by ``intelligence.0001_initial`` and keeps its
name (``db_table``), so nothing changes in the database: on a fresh database and on an existing
one alike this only tells Django's state that the model now belongs to ``modelregistry``.
``intelligence.0005_modelversion_moved`` then drops it from the intelligence state, after the
foreign keys of insights and recommendations point here.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("intelligence", "0004_category_propensity"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="ModelVersion",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("segments", "Segments (RFM and clusters)"),
                                    ("clv", "Customer lifetime value"),
                                    ("churn", "Churn risk"),
                                    ("propensity_30d", "Purchase propensity (30 days)"),
                                    ("category_propensity", "Category propensity (30 days)"),
                                    ("recommendations", "Product recommendations"),
                                    ("basket_rules", "Market-basket rules"),
                                    ("forecast", "Sales forecast"),
                                    ("anomalies", "Order anomaly detector"),
                                    ("sentiment", "Text sentiment"),
                                    ("text_triage", "Ticket intent and urgency"),
                                    ("topics", "Feedback topics"),
                                ],
                                max_length=30,
                            ),
                        ),
                        ("version", models.PositiveIntegerField()),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("trained_as_of", models.DateField(help_text="No data after this date was used")),
                        ("training_window_start", models.DateField(blank=True, null=True)),
                        (
                            "data_hash",
                            models.CharField(help_text="SHA-256 of the training data extract", max_length=64),
                        ),
                        ("code_version", models.CharField(max_length=40)),
                        (
                            "engine",
                            models.CharField(help_text="Engine class and format version", max_length=100),
                        ),
                        ("feature_schema", models.JSONField(blank=True, default=dict)),
                        ("metrics", models.JSONField(blank=True, default=dict)),
                        ("artifact", models.FileField(upload_to="models/")),
                        ("artifact_sha256", models.CharField(max_length=64)),
                        ("is_active", models.BooleanField(default=False)),
                        ("activated_at", models.DateTimeField(blank=True, null=True)),
                    ],
                    options={
                        "ordering": ["kind", "-version"],
                        "db_table": "intelligence_modelversion",
                        "constraints": [
                            models.UniqueConstraint(fields=("kind", "version"), name="unique_model_version"),
                            models.UniqueConstraint(
                                condition=models.Q(("is_active", True)),
                                fields=("kind",),
                                name="one_active_model_per_kind",
                            ),
                        ],
                    },
                ),
            ],
        ),
    ]
