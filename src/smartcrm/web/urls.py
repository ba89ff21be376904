from django.contrib.auth import views as auth_views
from django.urls import path

from smartcrm.web.views import (
    catalog,
    customers,
    dashboard,
    integrations,
    intelligence,
    orders,
    pipeline,
    support,
)

app_name = "web"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="web/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", dashboard.dashboard, name="dashboard"),
    path("customers/", customers.customer_list, name="customer_list"),
    path("customers/<int:customer_id>/", customers.customer_detail, name="customer_detail"),
    path("customers/<int:customer_id>/notes/", customers.customer_add_note, name="customer_add_note"),
    path("customers/<int:customer_id>/tasks/", customers.customer_add_task, name="customer_add_task"),
    path(
        "customers/<int:customer_id>/tasks/<int:task_id>/complete/",
        customers.customer_complete_task,
        name="customer_complete_task",
    ),
    path("segments/", intelligence.segment_explorer, name="segments"),
    path("models/", intelligence.model_cards, name="model_cards"),
    path("models/<int:version_id>/activate/", intelligence.model_activate, name="model_activate"),
    path("models/<str:kind>/rollback/", intelligence.model_rollback, name="model_rollback"),
    path("products/", catalog.product_list, name="product_list"),
    path("products/<int:product_id>/", catalog.product_detail, name="product_detail"),
    path("orders/", orders.order_list, name="order_list"),
    path("orders/<int:order_id>/", orders.order_detail, name="order_detail"),
    path("inbox/", support.ticket_inbox, name="ticket_inbox"),
    path("inbox/<int:ticket_id>/", support.ticket_detail, name="ticket_detail"),
    path("inbox/<int:ticket_id>/reply/", support.ticket_reply, name="ticket_reply"),
    path("inbox/<int:ticket_id>/update/", support.ticket_update, name="ticket_update"),
    path("pipeline/", pipeline.pipeline, name="pipeline"),
    path("pipeline/deals/<int:deal_id>/move/", pipeline.pipeline_move, name="pipeline_move"),
    path("integrations/", integrations.integrations, name="integrations"),
    path(
        "integrations/deliveries/<int:delivery_id>/redeliver/",
        integrations.redeliver,
        name="integrations_redeliver",
    ),
    path("integrations/inbound/<int:delivery_id>/replay/", integrations.replay, name="integrations_replay"),
]
