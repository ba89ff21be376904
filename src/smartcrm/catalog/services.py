"""Writes for the catalog: products and categories, validated, audited."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from smartcrm.catalog.models import Category, Product
from smartcrm.core import audit
from smartcrm.core.actors import Actor
from smartcrm.core.audit import AuditAction
from smartcrm.core.errors import ServiceValidationError

PRODUCT_FIELDS = ("sku", "name", "category", "description", "price", "cost", "currency", "stock", "is_active")
MAX_PRICE = Decimal("9999999999.99")  # the columns hold 12 digits, 2 after the point


def _clean_product(values: dict[str, Any], *, instance: Product | None = None) -> dict[str, Any]:
    unknown = set(values) - set(PRODUCT_FIELDS)
    if unknown:
        raise ServiceValidationError(dict.fromkeys(sorted(unknown), _("Unknown field.")))
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}
    if "sku" in cleaned:
        sku = cleaned["sku"]
        if not sku:
            errors["sku"] = _("A product needs a SKU.")
        elif len(sku) > 64:
            errors["sku"] = _("At most 64 characters.")
        else:
            clash = Product.objects.filter(sku=sku)
            if instance is not None:
                clash = clash.exclude(pk=instance.pk)
            if clash.exists():
                errors["sku"] = _("A product with this SKU exists.")
    if "name" in cleaned:
        if not cleaned["name"]:
            errors["name"] = _("A product needs a name.")
        elif len(cleaned["name"]) > 200:
            errors["name"] = _("At most 200 characters.")
    for name in ("price", "cost"):
        value = cleaned.get(name)
        if value is not None and not (Decimal(0) <= value <= MAX_PRICE):
            errors[name] = _("Must be between 0 and %(maximum)s.") % {"maximum": MAX_PRICE}
    if "price" in cleaned and cleaned["price"] is None:
        errors["price"] = _("A product needs a price.")
    if "currency" in cleaned:
        currency = (cleaned["currency"] or "").upper()
        if len(currency) != 3 or not currency.isalpha():
            errors["currency"] = _("Use a three-letter ISO currency code.")
        cleaned["currency"] = currency
    if errors:
        raise ServiceValidationError(errors)
    return cleaned


@transaction.atomic
def create_product(*, actor: Actor, values: dict[str, Any]) -> Product:
    """Create a product; ``sku``, ``name`` and ``price`` are required."""
    missing = [k for k in ("sku", "name", "price") if values.get(k) in (None, "")]
    if missing:
        raise ServiceValidationError(dict.fromkeys(missing, _("This field is required.")))
    cleaned = _clean_product(values)
    product = Product.objects.create(created_at=timezone.now(), **cleaned)
    audit.record(
        actor, AuditAction.CREATE, product, changes={"sku": product.sku, "price": str(product.price)}
    )
    return product


@transaction.atomic
def update_product(*, actor: Actor, product: Product, values: dict[str, Any]) -> dict[str, Any]:
    """Change the given fields; returns what changed."""
    cleaned = _clean_product(values, instance=product)
    changes = audit.diff(product, cleaned, frozenset())
    if changes:
        product.save(update_fields=[*changes, "updated_at"])
        audit.record(actor, AuditAction.UPDATE, product, changes=changes)
    return changes


@transaction.atomic
def deactivate_product(*, actor: Actor, product: Product) -> Product:
    """Take a product off sale. Products are never deleted: order lines keep pointing at them."""
    if product.is_active:
        product.is_active = False
        product.save(update_fields=["is_active", "updated_at"])
        audit.record(actor, AuditAction.DEACTIVATE, product)
    return product


@transaction.atomic
def create_category(*, actor: Actor, name: str, slug: str = "", parent: Category | None = None) -> Category:
    errors: dict[str, str] = {}
    name = name.strip()
    if not name:
        errors["name"] = _("A category needs a name.")
    elif len(name) > 100:
        errors["name"] = _("At most 100 characters.")
    slug = slugify(slug or name)[:120]
    if not errors and not slug:
        errors["slug"] = _("Give a slug of letters, digits or hyphens.")
    elif slug and Category.objects.filter(slug=slug).exists():
        errors["slug"] = _("A category with this slug exists.")
    if errors:
        raise ServiceValidationError(errors)
    category = Category.objects.create(name=name, slug=slug, parent=parent)
    audit.record(actor, AuditAction.CREATE, category, changes={"name": name, "slug": slug})
    return category
