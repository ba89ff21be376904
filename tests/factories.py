"""factory_boy factories for the domain, shared by every test module."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from smartcrm.accounts.models import User
from smartcrm.accounts.roles import Role
from smartcrm.catalog.models import Category, Product
from smartcrm.core.pii import hash_for_lookup
from smartcrm.customers.models import Customer
from smartcrm.orders.models import Order, OrderLine
from smartcrm.pipeline.models import Deal, Stage
from smartcrm.support.models import AuthorKind, Ticket, TicketMessage


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.ADMIN
    is_superuser = factory.LazyAttribute(lambda o: o.role == Role.ADMIN)
    is_staff = factory.LazyAttribute(lambda o: o.role == Role.ADMIN)
    password = factory.PostGenerationMethodCall("set_password", "pw-Secret-123")

    @factory.post_generation
    def save_password(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            obj.save()


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    name = factory.LazyAttribute(lambda o: f"{o.first_name} {o.last_name}")
    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    email_hash = factory.LazyAttribute(lambda o: hash_for_lookup(o.email))
    phone = ""
    city = "Springfield"
    country = "US"
    created_at = factory.LazyFunction(timezone.now)
    search_text = factory.LazyAttribute(lambda o: f"{o.name} {o.city}".lower())


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = factory.Sequence(lambda n: f"Product {n}")
    category = factory.SubFactory(CategoryFactory)
    price = Decimal("19.90")
    stock = 10
    created_at = factory.LazyFunction(timezone.now)


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    number = factory.Sequence(lambda n: f"SO-T{n:06d}")
    customer = factory.SubFactory(CustomerFactory)
    placed_at = factory.LazyFunction(timezone.now)
    total = Decimal("19.90")
    subtotal = Decimal("19.90")


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    product = factory.SubFactory(ProductFactory)
    quantity = 1
    unit_price = Decimal("19.90")
    line_total = Decimal("19.90")


class TicketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ticket

    customer = factory.SubFactory(CustomerFactory)
    subject = factory.Sequence(lambda n: f"Where is my order #{n}?")
    created_at = factory.LazyFunction(timezone.now)
    last_message_at = factory.LazyFunction(timezone.now)


class TicketMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TicketMessage

    ticket = factory.SubFactory(TicketFactory)
    author_kind = AuthorKind.CUSTOMER
    body = "Hello, my parcel has not arrived yet."
    created_at = factory.LazyFunction(timezone.now)


class StageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stage
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Stage {n}")
    position = factory.Sequence(int)
    probability = 50


class DealFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deal

    title = factory.Sequence(lambda n: f"Wholesale deal {n}")
    stage = factory.SubFactory(StageFactory)
    value = Decimal("5000")
    created_at = factory.LazyFunction(timezone.now)
