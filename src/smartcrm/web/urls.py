from django.contrib.auth import views as auth_views
from django.urls import path

from smartcrm.accounts.access import public
from smartcrm.web.access import signed_in_required
from smartcrm.web.views import (
    account,
    assistant,
    audit,
    campaigns,
    catalog,
    customers,
    dashboard,
    exports,
    imports,
    insights,
    integrations,
    intelligence,
    intents,
    knowledge,
    ops,
    orders,
    pipeline,
    privacy,
    support,
    textanalysis,
    workflows,
)
from smartcrm.web.views import assistant_settings as assistant_settings_views
from smartcrm.web.views import attachments as attachment_views
from smartcrm.web.views import data_quality as data_quality_views
from smartcrm.web.views import dedup as dedup_views
from smartcrm.web.views import recommendations as recommendation_views

app_name = "web"

urlpatterns = [
    path("healthz", ops.healthz, name="healthz"),
    path("readyz", ops.readyz, name="readyz"),
    path("metrics", ops.metrics_view, name="metrics"),
    path("login/", public("the sign-in form itself")(account.LoginView.as_view()), name="login"),
    path(
        "login/code/",
        public("the second step of signing in, for the password just checked")(account.login_code),
        name="login_code",
    ),
    path(
        "logout/",
        public("ends the caller's own session (POST, CSRF-checked)")(auth_views.LogoutView.as_view()),
        name="logout",
    ),
    path(
        "password-reset/",
        public("asks for an address and answers the same for any (no account enumeration)")(
            account.PasswordResetView.as_view()
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        public("a static notice")(
            auth_views.PasswordResetDoneView.as_view(template_name="web/account/password_reset_done.html")
        ),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        public("authenticated by the single-use, expiring token in the link")(
            account.PasswordResetConfirmView.as_view()
        ),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        public("a static notice")(
            auth_views.PasswordResetCompleteView.as_view(
                template_name="web/account/password_reset_complete.html"
            )
        ),
        name="password_reset_complete",
    ),
    path("account/", account.account, name="account"),
    path(
        "account/password/",
        signed_in_required(account.PasswordChangeView.as_view()),
        name="password_change",
    ),
    path("account/tokens/", account.token_create, name="token_create"),
    path("account/tokens/all/", account.all_tokens, name="all_tokens"),
    path("account/tokens/<int:token_id>/revoke/", account.token_revoke, name="token_revoke"),
    path("account/logout-everywhere/", account.log_out_everywhere, name="logout_everywhere"),
    path("account/security-settings/", account.security_settings, name="security_settings"),
    path("account/two-factor/", account.two_factor, name="two_factor"),
    path("account/two-factor/disable/", account.two_factor_disable, name="two_factor_disable"),
    path("account/two-factor/recovery-codes/", account.recovery_codes, name="recovery_codes"),
    path("", dashboard.dashboard, name="dashboard"),
    path("customers/", customers.customer_list, name="customer_list"),
    path("customers/<int:customer_id>/", customers.customer_detail, name="customer_detail"),
    path("customers/<int:customer_id>/notes/", customers.customer_add_note, name="customer_add_note"),
    path(
        "attachments/<str:owner_kind>/<int:attachment_id>/file/",
        attachment_views.attachment_file,
        name="attachment_file",
    ),
    path(
        "attachments/<str:owner_kind>/<int:attachment_id>/thumbnail/",
        attachment_views.attachment_thumbnail,
        name="attachment_thumbnail",
    ),
    path(
        "attachments/<str:owner_kind>/<int:attachment_id>/delete/",
        attachment_views.attachment_delete,
        name="attachment_delete",
    ),
    path(
        "attachments/<str:owner_kind>/on/<int:owner_id>/",
        attachment_views.attachment_upload,
        name="attachment_upload",
    ),
    path("customers/<int:customer_id>/dates/", customers.customer_set_dates, name="customer_set_dates"),
    path("customers/<int:customer_id>/tasks/", customers.customer_add_task, name="customer_add_task"),
    path(
        "customers/<int:customer_id>/tasks/<int:task_id>/complete/",
        customers.customer_complete_task,
        name="customer_complete_task",
    ),
    path(
        "customers/<int:customer_id>/privacy/export/",
        privacy.customer_data_export,
        name="customer_data_export",
    ),
    path("customers/<int:customer_id>/privacy/erase/", privacy.customer_erase, name="customer_erase"),
    path("privacy/", privacy.privacy_page, name="privacy"),
    path("audit/", audit.audit_list, name="audit_log"),
    path("audit/export.csv", audit.audit_export, name="audit_export"),
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
        "customers/<int:customer_id>/next-action/",
        customers.customer_next_action,
        name="customer_next_action",
    ),
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
    path(
        "inbox/<int:ticket_id>/suggestions/<int:suggestion_id>/insert/",
        support.ticket_insert_suggestion,
        name="ticket_insert_suggestion",
    ),
    path(
        "inbox/<int:ticket_id>/messages/<int:message_id>/article/",
        knowledge.draft_from_reply,
        name="draft_from_reply",
    ),
    path("conversations/", assistant.conversation_list, name="conversation_list"),
    path("conversations/report/", assistant.assistant_report_page, name="assistant_report"),
    path("conversations/report/draft/", assistant.draft_from_unanswered, name="draft_from_unanswered"),
    path("chat/demo/", assistant.widget_demo, name="widget_demo"),
    path("conversations/<int:conversation_id>/", assistant.conversation_detail, name="conversation_detail"),
    path("settings/assistant/", assistant_settings_views.assistant_settings, name="assistant_settings"),
    path("knowledge/", knowledge.article_list, name="article_list"),
    path("knowledge/new/", knowledge.article_new, name="article_new"),
    path("knowledge/import/", knowledge.article_import, name="article_import"),
    path("knowledge/<int:article_id>/", knowledge.article_edit, name="article_edit"),
    path("knowledge/intents/", intents.intent_list, name="intent_list"),
    path("knowledge/intents/new/", intents.intent_new, name="intent_new"),
    path("knowledge/intents/<int:intent_id>/", intents.intent_edit, name="intent_edit"),
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
    path("workflows/", workflows.workflow_list, name="workflow_list"),
    path("workflows/new/", workflows.workflow_new, name="workflow_new"),
    path("workflows/<int:workflow_id>/", workflows.workflow_edit, name="workflow_edit"),
    path("workflows/<int:workflow_id>/steps/", workflows.step_add, name="workflow_step_add"),
    path(
        "workflows/<int:workflow_id>/steps/<int:position>/remove/",
        workflows.step_remove,
        name="workflow_step_remove",
    ),
    path("workflows/<int:workflow_id>/toggle/", workflows.workflow_toggle, name="workflow_toggle"),
    path("workflows/<int:workflow_id>/start/", workflows.workflow_start, name="workflow_start"),
    path("workflows/runs/<int:run_id>/", workflows.workflow_run, name="workflow_run"),
    path("workflows/runs/<int:run_id>/retry/", workflows.workflow_run_retry, name="workflow_run_retry"),
    path(
        "integrations/deliveries/<int:delivery_id>/redeliver/",
        integrations.redeliver,
        name="integrations_redeliver",
    ),
    path("integrations/inbound/<int:delivery_id>/replay/", integrations.replay, name="integrations_replay"),
    path("campaigns/", campaigns.campaign_list, name="campaign_list"),
    path("campaigns/new/", campaigns.campaign_new, name="campaign_new"),
    path("campaigns/outbox/", campaigns.mail_outbox, name="mail_outbox"),
    path("campaigns/<int:campaign_id>/", campaigns.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:campaign_id>/edit/", campaigns.campaign_edit, name="campaign_edit"),
    path("campaigns/<int:campaign_id>/schedule/", campaigns.campaign_schedule, name="campaign_schedule"),
    path("campaigns/<int:campaign_id>/cancel/", campaigns.campaign_cancel, name="campaign_cancel"),
    path("duplicates/", dedup_views.duplicate_queue, name="duplicates"),
    path("duplicates/run/", dedup_views.duplicate_run, name="duplicate_run"),
    path("duplicates/<int:pair_id>/merge/", dedup_views.duplicate_merge, name="duplicate_merge"),
    path("duplicates/<int:pair_id>/reject/", dedup_views.duplicate_reject, name="duplicate_reject"),
    path("duplicates/merges/", dedup_views.merge_history, name="merge_history"),
    path("duplicates/merges/<int:merge_id>/undo/", dedup_views.merge_undo, name="merge_undo"),
    path("data-quality/", data_quality_views.data_quality, name="data_quality"),
    path("data-quality/fixes/<str:fix>/", data_quality_views.data_quality_fix, name="data_quality_fix"),
]
