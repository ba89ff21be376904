"""The website chat widget's texts in a language: the interface's JavaScript catalog (djangojs,
where ``makemessages`` puts the strings marked in ``static/widget/chat.js``)."""

from __future__ import annotations

import json
from functools import cache

from django.utils import translation
from django.views.i18n import JSONCatalog


@cache
def widget_catalog(language: str) -> dict[str, str | list[str]]:
    """English text → translation for ``language`` (cached per process: the catalogs are
    compiled files that change only with a release)."""
    with translation.override(language):
        response = JSONCatalog().get(None)  # type: ignore[arg-type]  # the request is not read
    catalog: dict[str, str | list[str]] = json.loads(response.content)["catalog"]
    return catalog
