"""The API object; each domain adds its router here."""

from ninja import NinjaAPI

import smartcrm

api = NinjaAPI(title="smartcrm API", version=smartcrm.__version__, urls_namespace="api")
