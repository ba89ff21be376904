from django.contrib import admin

from smartcrm.catalog.models import Category, Product
from smartcrm.core.admin import AuditedModelAdmin


@admin.register(Category)
class CategoryAdmin(AuditedModelAdmin):
    list_display = ("name", "slug", "parent")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Product)
class ProductAdmin(AuditedModelAdmin):
    list_display = ("sku", "name", "category", "price", "stock", "is_active")
    list_filter = ("category", "is_active")
    search_fields = ("sku", "name")
