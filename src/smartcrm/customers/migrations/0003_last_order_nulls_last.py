"""Sort customers who never ordered after everyone who did, on an index that matches the sort.

PostgreSQL gets ``last_order_at DESC NULLS LAST, id``. SQLite accepts no NULLS LAST in an
index, so there the plain descending index stays (the embedded default is small).
"""

from django.db import migrations

CREATE = {
    "postgresql": "CREATE INDEX customer_last_order_idx ON customers_customer "
    "(last_order_at DESC NULLS LAST, id)",
    "default": "CREATE INDEX customer_last_order_idx ON customers_customer (last_order_at DESC, id)",
}


def create_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    schema_editor.execute(CREATE.get(vendor, CREATE["default"]))


def drop_index(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS customer_last_order_idx")


class Migration(migrations.Migration):
    dependencies = [("customers", "0002_search_trigram")]

    operations = [
        migrations.RemoveIndex(model_name="customer", name="customer_last_order_idx"),
        migrations.RunPython(create_index, drop_index),
    ]
