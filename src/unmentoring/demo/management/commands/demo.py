from django.core.management.base import BaseCommand, CommandError

from unmentoring.demo.services import DEMO_ADMIN_EMAIL, DEMO_ORGANISER_EMAIL, DatabaseNotEmpty, demo_load


class Command(BaseCommand):
    help = "Load the demo programme into an empty database (refuses a database that has data)."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing, successfully, when the database has data.")

    def handle(self, *args, if_empty=False, **options):
        try:
            programme = demo_load()
        except DatabaseNotEmpty as error:
            if if_empty:
                self.stdout.write("The database has data already; demo not loaded.")
                return
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Loaded the demo programme “{programme.name}” with {programme.memberships.count()} members. "
            f"Organiser: {DEMO_ORGANISER_EMAIL} (the console); site administrator: {DEMO_ADMIN_EMAIL} (the admin). "
            "Sign in by link; read it on /sent-mail/."
        )
