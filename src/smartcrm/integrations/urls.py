from django.urls import path

from smartcrm.integrations import views

app_name = "integrations"

urlpatterns = [
    path("shopify/<str:shop>", views.shop_webhook, {"platform": "shopify"}, name="shopify"),
    path("woocommerce/<str:shop>", views.shop_webhook, {"platform": "woocommerce"}, name="woocommerce"),
]
