from django.contrib.auth import views as auth_views
from django.urls import path

from smartcrm.web.views import (
    catalog,
    customers,
    dashboard,
    exports,
    imports,
    integrations,
    intelligence,
    orders,
    pipeline,
    support,
)
from smartcrm.web.views import data_quality as data_quality_views
from smartcrm.web.views import dedup as dedup_views
from smartcrm.web.views import insights
from smartcrm.web.views import recommendations as recommendation_views
from smartcrm.web.views import textanalysis

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
    path("insights/", insights.insights_page, name="insights"),
    path("insights/panel/", insights.insights_panel, name="insights_panel"),
    path("insights/alerts/<int:alert_id>/<str:action>/", insights.alert_action, name="alert_action"),
    path("models/<int:version_id>/activate/", intelligence.model_activate, name="model_activate"),
    path("models/<str:kind>/rollback/", intelligence.model_rollback, name="model_rollback"),
    path("products/", catalog.product_list, name="product_list"),
    path("products/<int:product_id>/", catalog.product_detail, name="product_detail"),
    path(
        "customers/<int:customer_id>/recommendations/",
        recommendation_views.customer_panel,
        name="customer_recommendations",
    ),
    path(
        "products/<int:product_id>/recommendations/",
        recommendation_views.product_panel,
        name="product_recommendations",
    ),
    path("basket-rules/", recommendation_views.basket_rules, name="basket_rules"),
    path("orders/", orders.order_list, name="order_list"),
    path("orders/<int:order_id>/", orders.order_detail, name="order_detail"),
    path("inbox/", support.ticket_inbox, name="ticket_inbox"),
    path("inbox/urgency/", textanalysis.inbox_urgency, name="inbox_urgency"),
    path("feedback/", textanalysis.feedback, name="feedback"),
    path("inbox/<int:ticket_id>/", support.ticket_detail, name="ticket_detail"),
    path("inbox/<int:ticket_id>/reply/", support.ticket_reply, name="ticket_reply"),
    path("inbox/<int:ticket_id>/update/", support.ticket_update, name="ticket_update"),
    path("pipeline/", pipeline.pipeline, name="pipeline"),
    path("pipeline/deals/<int:deal_id>/move/", pipeline.pipeline_move, name="pipeline_move"),
    path("exports/<str:kind>.<str:fmt>", exports.export, name="export"),
    path("imports/", imports.import_home, name="import_home"),
    path("imports/<int:run_id>/map/", imports.import_map, name="import_map"),
    path("imports/<int:run_id>/preview/", imports.import_preview, name="import_preview"),
    path("imports/<int:run_id>/start/", imports.import_start, name="import_start"),
    path("imports/<int:run_id>/", imports.import_run, name="import_run"),
    path("imports/<int:run_id>/cancel/", imports.import_cancel, name="import_cancel"),
    path("imports/<int:run_id>/resume/", imports.import_resume, name="import_resume"),
    path("imports/<int:run_id>/errors.csv", imports.import_errors, name="import_errors"),
    path("integrations/", integrations.integrations, name="integrations"),
    path(
        "integrations/deliveries/<int:delivery_id>/redeliver/",
        integrations.redeliver,
        name="integrations_redeliver",
    ),
    path("integrations/inbound/<int:delivery_id>/replay/", integrations.replay, name="integrations_replay"),
    path("duplicates/", dedup_views.duplicate_queue, name="duplicates"),
    path("duplicates/run/", dedup_views.duplicate_run, name="duplicate_run"),
    path("duplicates/<int:pair_id>/merge/", dedup_views.duplicate_merge, name="duplicate_merge"),
    path("duplicates/<int:pair_id>/reject/", dedup_views.duplicate_reject, name="duplicate_reject"),
    path("duplicates/merges/", dedup_views.merge_history, name="merge_history"),
    path("duplicates/merges/<int:merge_id>/undo/", dedup_views.merge_undo, name="merge_undo"),
    path("data-quality/", data_quality_views.data_quality, name="data_quality"),
    path("data-quality/fixes/<str:fix>/", data_quality_views.data_quality_fix, name="data_quality_fix"),
]
