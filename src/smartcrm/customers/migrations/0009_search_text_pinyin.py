"""Chinese names are also found by pinyin: the search text of customers stored before gains it."""

from django.db import migrations

BATCH = 2000


def add_pinyin(apps, schema_editor):
    from smartcrm.customers.models import search_text_of
    from smartcrm.engine.text_search import has_han

    Customer = apps.get_model("customers", "Customer")
    ExternalId = apps.get_model("customers", "ExternalId")
    batch = []
    for customer in Customer.objects.only("pk", "name", "company_name", "city").iterator(chunk_size=BATCH):
        parts = [customer.name, customer.company_name, customer.city]
        if not any(has_han(p or "") for p in parts):
            continue
        ids = list(ExternalId.objects.filter(customer_id=customer.pk).values_list("value", flat=True))
        customer.search_text = search_text_of([*parts, *ids])
        batch.append(customer)
        if len(batch) >= BATCH:
            Customer.objects.bulk_update(batch, ["search_text"])
            batch = []
    Customer.objects.bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [("customers", "0008_customer_owner_customer_owner_team")]

    operations = [migrations.RunPython(add_pinyin, migrations.RunPython.noop, elidable=True)]
