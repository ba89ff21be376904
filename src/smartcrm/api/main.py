"""The API object: authentication for every operation, one error format, one router per domain."""

from ninja import NinjaAPI

import smartcrm
from smartcrm.accounts.access import public
from smartcrm.api import attachments as attachments_api
from smartcrm.api import bulk as bulk_api
from smartcrm.api import campaigns as campaigns_api
from smartcrm.api import collaboration as collaboration_api
from smartcrm.api import customers, deals, intelligence, orders, products, reviews, tickets, webhooks
from smartcrm.api import dedup as dedup_api
from smartcrm.api import exports as exports_api
from smartcrm.api import imports as imports_api
from smartcrm.api import insights as insights_api
from smartcrm.api import leads as leads_api
from smartcrm.api import recommendations as recommendations_api
from smartcrm.api import saved_views as saved_views_api
from smartcrm.api import teams as teams_api
from smartcrm.api import textanalysis as textanalysis_api
from smartcrm.api import workflows as workflows_api
from smartcrm.api.auth import BearerAuth, session_auth
from smartcrm.api.errors import install_handlers
from smartcrm.api.parser import JsonBodyParser

# The schema and the interactive docs describe the operations; they hold no shop data.
DESCRIBES_ONLY = "the API's description (OpenAPI schema and docs page); no shop data"

api = NinjaAPI(
    title="smartcrm API",
    version=smartcrm.__version__,
    description=(
        "The smartcrm REST API. Authenticate with `Authorization: Bearer <token>` (or the web "
        "UI's session with its CSRF token). A token carries scopes (`area:read`, `area:write`) and "
        "an expiry: outside its scopes a call is 403 `insufficient_scope`, past its expiry 401 "
        "`token_expired`. Lists are paginated with `page` and `page_size` and "
        'answer `has_next` instead of a total. Errors are `{"detail": ..., "code": ...}`: a message, '
        "or for 422 a list of `{loc, msg, type, code}` naming each refused field. See docs/api.md."
    ),
    urls_namespace="api",
    auth=[BearerAuth(), session_auth],
    docs_decorator=public(DESCRIBES_ONLY),
    parser=JsonBodyParser(),
)
install_handlers(api)

api.add_router("/customers", customers.router)
api.add_router("/customers", intelligence.scores_router)
api.add_router("/customers", recommendations_api.customers_router)
api.add_router("/products", recommendations_api.products_router)
api.add_router("/basket-rules", recommendations_api.rules_router)
api.add_router("/products", products.router)
api.add_router("/categories", products.categories_router)
api.add_router("/orders", orders.router)
api.add_router("/imports", imports_api.router)
api.add_router("/exports", exports_api.router)
api.add_router("/tickets", tickets.router)
api.add_router("/reviews", reviews.router)
api.add_router("/deals", deals.router)
api.add_router("/stages", deals.stages_router)
api.add_router("/leads", leads_api.router)
api.add_router("", intelligence.router)
api.add_router("/webhooks", webhooks.router)
api.add_router("/forecasts", insights_api.forecasts_router)
api.add_router("/alerts", insights_api.alerts_router)
api.add_router("/workflows", workflows_api.router)
api.add_router("/duplicates", dedup_api.router)
api.add_router("/texts", textanalysis_api.router)
api.add_router("/data-quality", dedup_api.quality_router)
api.add_router("/campaigns", campaigns_api.router)
api.add_router("/teams", teams_api.router)
api.add_router("/notifications", collaboration_api.notifications_router)
api.add_router("/follows", collaboration_api.follows_router)
api.add_router("/customers", collaboration_api.handovers_router)
api.add_router("/saved-views", saved_views_api.router)
api.add_router("/bulk-actions", bulk_api.router)
api.add_router("/attachments", attachments_api.router)
