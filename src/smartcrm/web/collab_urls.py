"""The pages of teams and collaboration: teams, assignment rules, workload, notifications,
following, hand-overs, saved views and bulk actions (included by web/urls.py)."""

from django.urls import path

from smartcrm.web.views import bulk, collaboration, saved_views, teams

urlpatterns = [
    path("teams/", teams.team_list, name="team_list"),
    path("teams/new/", teams.team_create, name="team_create"),
    path("teams/<int:team_id>/members/", teams.team_member_add, name="team_member_add"),
    path(
        "teams/<int:team_id>/members/<int:user_id>/remove/",
        teams.team_member_remove,
        name="team_member_remove",
    ),
    path("teams/rules/", teams.rule_list, name="rule_list"),
    path("teams/rules/new/", teams.rule_create, name="rule_create"),
    path("teams/rules/<int:rule_id>/delete/", teams.rule_delete, name="rule_delete"),
    path("workload/", teams.workload, name="workload"),
    path("notifications/", collaboration.notification_list, name="notification_list"),
    path("notifications/read-all/", collaboration.notifications_read_all, name="notifications_read_all"),
    path("notifications/settings/", collaboration.notification_settings, name="notification_settings"),
    path(
        "notifications/<int:notification_id>/open/", collaboration.notification_open, name="notification_open"
    ),
    path("follow/<str:kind>/<int:target_id>/", collaboration.follow_toggle, name="follow_toggle"),
    path("records/<str:kind>/<int:target_id>/panel/", collaboration.record_panel, name="record_panel"),
    path("customers/<int:customer_id>/handover/", collaboration.customer_handover, name="customer_handover"),
    path("views/", saved_views.view_list, name="view_list"),
    path("views/new/", saved_views.view_new, name="view_new"),
    path("views/<int:view_id>/delete/", saved_views.view_delete, name="view_delete"),
    path("views/<int:view_id>/columns/", saved_views.view_move_column, name="view_move_column"),
    path("views/<int:view_id>/bulk/", saved_views.view_bulk, name="view_bulk"),
    path("bulk/<int:run_id>/", saved_views.bulk_run, name="bulk_run"),
    path("bulk/<int:run_id>/download/", bulk.bulk_download, name="bulk_download"),
    path("customers/bulk/", bulk.customer_bulk, name="customer_bulk"),
    path("customers/matching-count/", bulk.customer_matching_count, name="customer_matching_count"),
]
