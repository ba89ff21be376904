"""The WSGI application; without a broker it also starts this process's background runner."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartcrm.settings")
application = get_wsgi_application()

from smartcrm.core.background import start_embedded  # noqa: E402 - needs the apps loaded

start_embedded()
