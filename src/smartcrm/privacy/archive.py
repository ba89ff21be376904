"""The data export's file: ``data.json`` with every section, and one CSV per section, in a zip.

CSV cells go through the exports' formula-safe writer, since the customer's own texts are in them.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

from smartcrm.exports.cells import csv_cell


def _csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    columns = list(dict.fromkeys(name for row in rows for name in row))
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(_flat(row.get(c))) for c in columns])
    return out.getvalue()


def _flat(value: Any) -> Any:
    """Lists and dicts (tags, JSON columns) as JSON text in one cell."""
    return json.dumps(value, ensure_ascii=False, default=str) if isinstance(value, (list, dict)) else value


def build_zip(
    customer_id: int, sections: dict[str, list[dict[str, Any]]], files: dict[str, bytes] | None = None
) -> bytes:
    """``files``: the customer's attachments as they are stored, by their path in the zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        document = {"customer_id": customer_id, "sections": sections}
        archive.writestr("data.json", json.dumps(document, ensure_ascii=False, indent=2, default=str))
        for name, rows in sections.items():
            if rows:
                archive.writestr(f"{name}.csv", "\ufeff" + _csv(rows))  # a BOM: Excel reads UTF-8
        for path, data in (files or {}).items():
            archive.writestr(path, data)
    return buffer.getvalue()
