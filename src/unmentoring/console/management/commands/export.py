from django.core.management.base import BaseCommand

from unmentoring.console.exports import FORMATS, TABLES, export_table
from unmentoring.programmes.management.commands._programme import programme_from_slug


class Command(BaseCommand):
    help = ("Write one table of a programme's data to standard output: "
            "`unmentoring export --programme SLUG --table members|rounds|groups|checkins [--format csv|json]`. "
            "It holds personal data: for that programme's organisers only.")

    def add_arguments(self, parser):
        parser.add_argument("--programme", required=True, metavar="SLUG")
        parser.add_argument("--table", required=True, choices=TABLES)
        parser.add_argument("--format", default="csv", choices=FORMATS)

    def handle(self, *args, programme, table, format, **options):  # noqa: A002 (the flag's name)
        found = programme_from_slug(programme)
        self.stdout.write(export_table(found, table, format), ending="")
