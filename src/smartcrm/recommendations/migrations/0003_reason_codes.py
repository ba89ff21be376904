"""A recommendation's reason as a code and its values instead of an English sentence.

The stored sentences are read back once by the templates the recommender wrote them with
(``"bought with {product}"`` → ``bought_with``, ``{"product": …}``); the pages word the code in
the reader's language. A sentence that no template wrote (none is expected: every training run
rewrites all rows) cannot be given a code, so its row is dropped; the next run writes it again.
Reversible: the English sentence is written back from the code.
"""

import re
from typing import Any

from django.db import migrations, models

BATCH = 2_000
# The recommender's templates when this migration was written (smartcrm.engine.recs.reasons);
# copied, so that later changes of the wording do not change what this migration reads.
TEMPLATES = {
    "repurchase": "you buy this every ~{days} days",
    "bought_with": "bought with {product}",
    "like_you": "customers like you",
    "popular_in": "popular in {category}",
    "popular": "popular with customers",
}
PATTERNS = (
    ("repurchase", re.compile(r"you buy this every ~(?P<days>\d+) days\Z")),
    ("bought_with", re.compile(r"bought with (?P<product>.+)\Z", re.DOTALL)),
    ("popular_in", re.compile(r"popular in (?P<category>.+)\Z", re.DOTALL)),
)


def parse(text: str) -> tuple[str, dict[str, Any]] | None:
    """``(code, params)`` of a stored English reason; ``None`` when no template wrote it."""
    for code, sentence in TEMPLATES.items():
        if "{" not in sentence and text == sentence:
            return code, {}
    for code, pattern in PATTERNS:
        match = pattern.match(text)
        if match:
            params: dict[str, Any] = dict(match.groupdict())
            if "days" in params:
                params["days"] = int(params["days"])
            return code, params
    return None


def to_codes(apps: Any, schema_editor: Any) -> None:
    Recommendation = apps.get_model("recommendations", "CustomerRecommendation")
    rows = Recommendation.objects.using(schema_editor.connection.alias)
    for code, sentence in TEMPLATES.items():  # the fixed sentences: one statement each
        if "{" not in sentence:
            rows.filter(reason=sentence).update(reason_code=code, reason_params={})
    changed, unknown = [], []
    for row in rows.filter(reason_code="").only("pk", "reason").iterator(chunk_size=BATCH):
        found = parse(row.reason)
        if found is None:
            unknown.append(row.pk)
            continue
        row.reason_code, row.reason_params = found
        changed.append(row)
        if len(changed) >= BATCH:
            rows.bulk_update(changed, ["reason_code", "reason_params"])
            changed = []
    if changed:
        rows.bulk_update(changed, ["reason_code", "reason_params"])
    if unknown:
        rows.filter(pk__in=unknown).delete()


def to_text(apps: Any, schema_editor: Any) -> None:
    Recommendation = apps.get_model("recommendations", "CustomerRecommendation")
    rows = Recommendation.objects.using(schema_editor.connection.alias)
    changed = []
    for row in rows.only("pk", "reason_code", "reason_params").iterator(chunk_size=BATCH):
        template = TEMPLATES.get(row.reason_code, TEMPLATES["popular"])
        params = {k: str(v) for k, v in (row.reason_params or {}).items()}
        try:
            row.reason = template.format(**params)[:240]
        except KeyError:
            row.reason = TEMPLATES["popular"]
        changed.append(row)
        if len(changed) >= BATCH:
            rows.bulk_update(changed, ["reason"])
            changed = []
    if changed:
        rows.bulk_update(changed, ["reason"])


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0002_modelversion_in_modelregistry")]

    operations = [
        migrations.AddField(
            model_name="customerrecommendation",
            name="reason_code",
            field=models.CharField(
                default="",
                help_text="repurchase, bought_with, like_you, popular_in or popular",
                max_length=20,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="customerrecommendation",
            name="reason_params",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text='The code\'s values: {"days": 30}, {"product": "…"}, {"category": "…"}',
            ),
        ),
        migrations.AlterField(
            model_name="customerrecommendation",
            name="reason",
            field=models.CharField(default="", max_length=240),
        ),
        migrations.RunPython(to_codes, to_text, elidable=True),
        migrations.RemoveField(model_name="customerrecommendation", name="reason"),
    ]
