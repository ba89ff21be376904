from __future__ import annotations

import base64
import io
import os

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from smartcrm.customers.models import Customer
from smartcrm.customers.services import create_customer

pytestmark = pytest.mark.django_db


def raw_email(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT email FROM customers_customer WHERE id = %s", [pk])
        return str(cursor.fetchone()[0])


def test_rotation_re_encrypts_under_the_new_key_and_keeps_values(settings) -> None:
    customer = create_customer(
        actor="t", values={"first_name": "Rae", "email": "rae@x.io", "phone": "+4722334455"}
    )
    empty = create_customer(actor="t", values={"first_name": "NoMail"})
    old_spec = settings.SMARTCRM_FIELD_KEYS
    assert raw_email(customer.pk).startswith("k1$")
    new_spec = "k2:" + base64.b64encode(os.urandom(32)).decode() + "," + old_spec
    with override_settings(SMARTCRM_FIELD_KEYS=new_spec):
        call_command("rotate_keys", stdout=io.StringIO())
        assert raw_email(customer.pk).startswith("k2$")
        assert raw_email(empty.pk) == ""
        fresh = Customer.objects.get(pk=customer.pk)
        assert (fresh.email, fresh.phone) == ("rae@x.io", "+4722334455")
        # A second run finds nothing left to do.
        call_command("rotate_keys", stdout=io.StringIO())
        assert Customer.objects.get(pk=customer.pk).email == "rae@x.io"
