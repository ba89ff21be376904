from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from smartcrm.accounts.access import public
from smartcrm.api.chat import chat_api
from smartcrm.api.main import api

urlpatterns = [
    # The admin's own login would skip the throttle and the second factor: ours is the only one.
    path(
        "admin/login/",
        public("a redirect to the sign-in form")(
            RedirectView.as_view(pattern_name="web:login", query_string=True)
        ),
        name="admin_login",
    ),
    path("admin/", admin.site.urls),
    path("api/v1/chat/", chat_api.urls),  # the website chat widget's, without staff auth
    path("api/v1/", api.urls),
    path("hooks/", include("smartcrm.integrations.urls")),
    path("hooks/", include("smartcrm.assistant.channels.urls")),
    path("", include("smartcrm.campaigns.urls")),  # unsubscribe links, bounce webhook
    path("hooks/", include("smartcrm.automation.urls")),
    path("", include("smartcrm.web.urls")),
]
