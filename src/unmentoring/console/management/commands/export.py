from django.core.management.base import BaseCommand, CommandError

from unmentoring.console.exports import FORMATS, TABLES, export_table
from unmentoring.programmes.models import Programme


class Command(BaseCommand):
    help = ("Write one table of a programme's data to standard output: "
            "`unmentoring export --programme SLUG --table members|rounds|groups|checkins [--format csv|json]`. "
            "It holds personal data: for that programme's organisers only.")

    def add_arguments(self, parser):
        parser.add_argument("--programme", required=True, metavar="SLUG")
        parser.add_argument("--table", required=True, choices=TABLES)
        parser.add_argument("--format", default="csv", choices=FORMATS)

    def handle(self, *args, programme, table, format, **options):  # noqa: A002 (the flag's name)
        found = Programme.objects.filter(slug=programme).first()
        if found is None:
            known = ", ".join(Programme.objects.order_by("slug").values_list("slug", flat=True)) or "none yet"
            raise CommandError(f"No programme has the slug {programme!r}. Programmes: {known}.")
        self.stdout.write(export_table(found, table, format), ending="")
