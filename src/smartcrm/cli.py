"""The ``smartcrm`` command: Django's management commands with smartcrm's settings.

``smartcrm serve``, ``smartcrm worker``, ``smartcrm demo``, ``smartcrm migrate``,
``smartcrm generate``, ``smartcrm import`` … ; ``smartcrm help`` lists them all.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartcrm.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["smartcrm", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
