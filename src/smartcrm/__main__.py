"""``python -m smartcrm``: the same as the ``smartcrm`` command."""

from smartcrm.cli import main

if __name__ == "__main__":
    main()
