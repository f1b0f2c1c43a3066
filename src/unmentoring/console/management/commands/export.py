from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from unmentoring.console.exports import FORMATS, TABLES, export_table
from unmentoring.insights import opendata
from unmentoring.programmes.management.commands._programme import programme_from_slug


class Command(BaseCommand):
    help = ("Write one table of a programme's data to standard output: "
            "`unmentoring export --programme SLUG --table members|rounds|groups|checkins [--format csv|json]`. "
            "It holds personal data: for that programme's organisers only. "
            "Or write the open data a programme can publish, rounds.csv and meetings.csv, into a folder: "
            "`unmentoring export --programme SLUG --open-data --out DIR` (no names, emails or phones).")

    def add_arguments(self, parser):
        parser.add_argument("--programme", required=True, metavar="SLUG")
        parser.add_argument("--table", choices=TABLES)
        parser.add_argument("--format", choices=FORMATS)
        parser.add_argument("--open-data", action="store_true",
                            help="write rounds.csv and meetings.csv into --out instead of one table")
        parser.add_argument("--out", metavar="DIR", help="the folder for --open-data (made if missing)")

    def handle(self, *args, programme, table, format, open_data: bool, out, **options):  # noqa: A002 (the flag's name)
        if open_data:
            if table or format:
                raise CommandError("--open-data writes its own two files: leave out --table and --format.")
            if not out:
                raise CommandError("--open-data needs --out DIR, the folder to write rounds.csv and meetings.csv in.")
            self._open_data(programme_from_slug(programme), Path(out))
            return
        if out:
            raise CommandError("--out is for --open-data; a table goes to standard output.")
        if not table:
            raise CommandError("Say which table: --table members|rounds|groups|checkins (or --open-data --out DIR).")
        self.stdout.write(export_table(programme_from_slug(programme), table, format or "csv"), ending="")

    def _open_data(self, programme, directory: Path):
        if directory.exists() and not directory.is_dir():
            raise CommandError(f"{directory} is a file, not a folder.")
        files = opendata.open_data(programme, today=timezone.localdate(timezone=programme.tz))
        try:
            directory.mkdir(parents=True, exist_ok=True)
            for name, text in files.items():
                (directory / name).write_text(text, encoding="utf-8", newline="")
        except OSError as error:
            raise CommandError(f"Cannot write to {directory}: {error.strerror or error}.") from error
        for name in files:
            self.stdout.write(f"Wrote {directory / name}")
