from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from unmentoring.core.errors import ApplicationError
from unmentoring.programmes.management.commands._programme import programme_from_slug
from unmentoring.programmes.services import organiser_add


class Command(BaseCommand):
    help = ("A programme's organisers: `organisers add --programme SLUG EMAIL [--name NAME]` makes someone an "
            "organiser (the first one of a new site, say) and emails them; `organisers list --programme SLUG`.")

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="add|list")
        add = actions.add_parser("add", help="Make someone an organiser of a programme and email them.")
        add.add_argument("--programme", required=True, metavar="SLUG", help="the programme's slug, as in its address")
        add.add_argument("email", help="their email address; they sign in with it by link")
        add.add_argument("--name", default="", help="their full name, if they are new here")
        listing = actions.add_parser("list", help="List a programme's organisers.")
        listing.add_argument("--programme", required=True, metavar="SLUG")

    def handle(self, *args, action, programme, **options):
        found = programme_from_slug(programme)
        if action == "list":
            for person in found.organisers.order_by("email"):
                self.stdout.write(f"{person.email}\t{person.full_name}")
            return
        email = options["email"].strip()
        try:
            validate_email(email)
        except ValidationError as error:
            raise CommandError(f"{email!r} is not an email address, like name@example.org.") from error
        already = found.organisers.filter(email__iexact=email).exists()
        try:
            person = organiser_add(programme=found, email=email, full_name=options["name"])
        except ApplicationError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{person.email} already organises {found.name}." if already else
                          f"{person.email} organises {found.name}. We have emailed them how to sign in.")
