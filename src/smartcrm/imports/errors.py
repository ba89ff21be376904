"""What can go wrong in an import: the file as a whole, or one row (and which column)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class ImportFileError(Exception):
    """The file cannot be imported at all (missing, not CSV, no usable header); nothing was written."""


class ImportCancelled(Exception):
    """Someone asked the run to stop; raised between batches, so every committed batch is whole."""


@dataclass(frozen=True)
class RowError:
    """One reason a row was rejected.

    ``row`` counts records as a spreadsheet shows them: the header is row 1, the first data row
    is row 2. ``column`` is smartcrm's name for the column (empty when the whole row is meant).
    The message never repeats the cell's value, so error reports and logs carry no PII.
    """

    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}

    def __str__(self) -> str:
        where = f"row {self.row}, column {self.column}" if self.column else f"row {self.row}"
        return f"{where}: {self.message}"
