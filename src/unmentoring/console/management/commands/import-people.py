import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from unmentoring.console.imports import people_import_check, people_import_commit
from unmentoring.programmes.imports import PEOPLE_FIELDS, UnreadableFile
from unmentoring.programmes.management.commands._programme import programme_from_slug


class Command(BaseCommand):
    help = ("Check the spreadsheet a network already has (CSV) and, with --commit, invite its valid rows to "
            "join: they become members only when they confirm. Without --commit nothing is written.")

    def add_arguments(self, parser):
        parser.add_argument("--programme", required=True, metavar="SLUG")
        parser.add_argument("file", help="a CSV file (UTF-8, UTF-16 or Windows-1252; comma, semicolon or tab)")
        parser.add_argument("--map", action="append", default=[], metavar="FIELD=COLUMN",
                            help=f"which column holds a field ({', '.join(PEOPLE_FIELDS)}); guessed from the header "
                                 "when not given")
        parser.add_argument("--commit", action="store_true", help="invite the valid rows (otherwise only check)")
        parser.add_argument("--json", action="store_true", help="print one JSON object instead of sentences")

    def handle(self, *args, programme, file, map, commit, json: bool, **options):  # noqa: A002 (the flags' names)
        found = programme_from_slug(programme)
        overrides = {}
        for pair in map:
            name, sep, column = pair.partition("=")
            if not sep or not name.strip():
                raise CommandError(f"--map {pair!r}: write it as FIELD=COLUMN, like --map email='Work email'.")
            overrides[name.strip()] = column.strip()
        try:
            data = Path(file).read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}.") from error
        try:
            check, mapping = people_import_check(found, data, overrides)
        except UnreadableFile as error:
            raise CommandError(f"{file}: {error}") from error
        imported = people_import_commit(found, check, actor=None) if commit else 0
        summary = {"rows": check.rows, "blank": check.blank, "ready": len(check.ready), "imported": imported,
                   "errors": check.errors}
        if json:
            self.stdout.write(_json_dumps(summary))
            return
        self.stdout.write("Columns: " + ", ".join(f"{name} = {column!r}" for name, column in mapping.items()))
        for error in check.errors:
            self.stdout.write(f"line {error['line']}, {error['column'] or 'no column'}: {error['message']}")
        self.stdout.write(f"{check.rows} rows ({check.blank} blank line{"s" if check.blank != 1 else ""} left out): {len(check.ready)} ready, "
                          f"{len({e['line'] for e in check.errors})} with errors. "
                          + (f"Invited {imported}." if commit else "Nothing written: add --commit to invite the ready rows."))


def _json_dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)
