"""The ``unmentoring`` console script.

It is the project's ``manage.py``: every Django management command runs
through it. ``unmentoring match`` is the exception: it is the pure matching
engine's command line and must start without importing Django.
"""

from __future__ import annotations

import os
import sys
from importlib import import_module

PURE_COMMANDS = {"match": "unmentoring.matching.cli"}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    if args and args[0] in PURE_COMMANDS:
        return import_module(PURE_COMMANDS[args[0]]).main(args[1:])

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unmentoring.settings")
    # `match` must start without Django: these are imported only for the other commands.
    from django.core.exceptions import ImproperlyConfigured  # noqa: PLC0415
    from django.core.management import execute_from_command_line  # noqa: PLC0415

    try:
        execute_from_command_line(["unmentoring", *args])
    except ImproperlyConfigured as error:  # a missing or refused setting: say which, without a traceback
        print(f"unmentoring: {error}", file=sys.stderr)
        return 2
    if not args or args[0] in {"help", "--help", "-h"}:
        print("\n[unmentoring (no Django)]\n    match")
    return 0


if __name__ == "__main__":
    sys.exit(main())
