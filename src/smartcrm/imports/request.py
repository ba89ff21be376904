"""What to import: one frozen ``ImportRequest``, and the check every request passes first.

The CLI, the wizard's preview, the background run and the tests all describe an import the
same way: which kind of file, where it is, who imports it, which system its ids come from,
and whether to keep anything (``dry_run``), how its header maps (``mapping``) and how far to
go (``limit``). How progress and errors are reported is not part of the request (see
``services.run_request``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from smartcrm.core.actors import Actor
from smartcrm.imports.errors import ImportFileError
from smartcrm.imports.importers import Importer
from smartcrm.imports.kinds import importer_class

DEFAULT_SYSTEM = "import"
MAX_SYSTEM_CHARS = 40


@dataclass(frozen=True)
class ImportRequest:
    """One import of one CSV or XLSX file.

    ``mapping`` (header text → column) replaces the built-in header names (the wizard's confirmed
    mapping); ``limit`` stops after that many rows or orders (the wizard's preview).
    """

    kind: str
    path: Path
    actor: Actor
    system: str = DEFAULT_SYSTEM
    dry_run: bool = False
    mapping: Mapping[str, str] | None = None
    limit: int | None = None

    @property
    def file_name(self) -> str:
        return self.path.name


def validate_request(request: ImportRequest) -> tuple[ImportRequest, type[Importer]]:
    """The request as it will run (system trimmed, path a Path) and its importer.

    Raises ImportFileError, before the file is opened, for an unknown kind or a bad system name.
    """
    importer = importer_class(request.kind)
    system = request.system.strip()
    if not system or len(system) > MAX_SYSTEM_CHARS:
        raise ImportFileError(f"The external-id system must be 1 to {MAX_SYSTEM_CHARS} characters.")
    return dataclasses.replace(request, path=Path(request.path), system=system), importer
