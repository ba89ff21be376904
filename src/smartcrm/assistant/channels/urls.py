from django.urls import path

from . import views

app_name = "assistant_channels"

urlpatterns = [
    path("telegram/<str:bot_id>", views.telegram_webhook, name="telegram"),
]
