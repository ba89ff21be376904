from django.urls import path

from smartcrm.automation import views

app_name = "automation"

urlpatterns = [path("workflows/<str:token>", views.inbound, name="inbound")]
