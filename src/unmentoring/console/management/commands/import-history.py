import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from unmentoring.console.imports import history_import_check, history_import_commit
from unmentoring.programmes.imports import UnreadableFile
from unmentoring.programmes.management.commands._programme import programme_from_slug


class Command(BaseCommand):
    help = ("Check a CSV of past pairings from the spreadsheet era (a round or month and two members' email "
            "addresses per row; a trio as a third, or as its pairs) and, with --commit, record them so that the "
            "engine avoids repeating them. Without --commit nothing is written.")

    def add_arguments(self, parser):
        parser.add_argument("--programme", required=True, metavar="SLUG")
        parser.add_argument("file")
        parser.add_argument("--commit", action="store_true", help="record the valid pairs (otherwise only check)")
        parser.add_argument("--json", action="store_true", help="print one JSON object instead of sentences")

    def handle(self, *args, programme, file, commit, json: bool, **options):
        found = programme_from_slug(programme)
        try:
            data = Path(file).read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}.") from error
        try:
            check, mapping = history_import_check(found, data, {})
        except UnreadableFile as error:
            raise CommandError(f"{file}: {error}") from error
        imported = history_import_commit(found, check, actor=None) if commit else 0
        if json:
            self.stdout.write(_dumps({"rows": check.rows, "blank": check.blank, "ready": len(check.pairs),
                                      "imported": imported, "errors": check.errors}))
            return
        self.stdout.write("Columns: " + ", ".join(f"{name} = {column!r}" for name, column in mapping.items()))
        for error in check.errors:
            self.stdout.write(f"line {error['line']}, {error['column'] or 'no column'}: {error['message']}")
        wrong = len({e["line"] for e in check.errors})
        self.stdout.write(f"{_n(check.rows, 'row')}: {_n(len(check.pairs), 'pair')} ready, {_n(wrong, 'row')} with errors. "
                          + (f"Recorded {_n(imported, 'new pair')}." if commit else
                             "Nothing written: add --commit to record the pairs."))


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)
