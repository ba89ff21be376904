from django.urls import path

from . import views

app_name = "campaigns_public"

urlpatterns = [
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("hooks/campaigns/feedback", views.feedback_webhook, name="feedback"),
]
