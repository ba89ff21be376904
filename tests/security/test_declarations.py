"""Every page, API operation and webhook declares who may call it (accounts/access.py); a new
one that declares nothing fails here, and so does a new public one until it is listed below."""

from __future__ import annotations

from smartcrm.accounts.routes import Route, routes
from smartcrm.api.chat import chat_api
from smartcrm.api.main import api

# Everything reachable without a staff login, each with what authenticates it instead (the
# reasons are in the code, on the views). Adding one is a reviewed change of this list.
PUBLIC = {
    "web:login",
    "web:logout",
    "web:login_code",
    "web:password_reset",
    "web:password_reset_done",
    "web:password_reset_confirm",
    "web:password_reset_complete",
    "admin_login",
    "api:api-root",
    "api:openapi-json",
    "api:openapi-view",
    "chat_api:api-root",
    "chat_api:openapi-json",
    "integrations:shopify",
    "integrations:woocommerce",
    "assistant_channels:telegram",
    "campaigns_public:unsubscribe",
    "campaigns_public:feedback",
    "automation:inbound",
    "web:healthz",
    "web:readyz",
    "web:metrics",
    "web:set_language",
    "web:javascript_catalog",
}


def _undeclared(found: list[Route]) -> list[str]:
    return [route.label for route in found if route.access is None and not route.admin]


def test_every_route_and_operation_declares_its_access() -> None:
    found = routes()
    assert len(found) > 150  # the walk reached the API's operations, not only the pages
    assert _undeclared(found) == []


def test_public_routes_are_exactly_the_listed_ones_and_say_why() -> None:
    public = {r.name for r in routes() if not r.method and r.access is not None and r.access.public}
    assert public == PUBLIC
    chat = [r for r in routes() if r.method and r.path.startswith("api/v1/chat/")]
    assert chat and all(r.access is not None and r.access.public for r in chat)
    staff_api = [r for r in routes() if r.method and not r.path.startswith("api/v1/chat/")]
    assert all(r.access is not None and not r.access.public for r in staff_api)


def test_the_walk_finds_every_operation_of_the_openapi_schemas() -> None:
    """The API's operations come from its URL patterns; the schema is the API's own list."""
    walked = {r.name for r in routes() if r.method}
    in_schemas = {
        operation["operationId"]
        for schema in (api.get_openapi_schema(), chat_api.get_openapi_schema())
        for path in schema["paths"].values()
        for operation in path.values()
    }
    assert walked == in_schemas


def test_the_check_notices_a_view_that_declares_nothing() -> None:
    def bare(request: object) -> None:
        return None

    route = Route("bare/", "bare", bare, None)
    assert _undeclared([route]) == ["PAGE /bare/"]
