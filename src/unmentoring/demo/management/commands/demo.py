import time

from django.core.management.base import BaseCommand, CommandError

from unmentoring.demo.big import demo_big
from unmentoring.demo.services import DEMO_ADMIN_EMAIL, DEMO_ORGANISER_EMAIL, DatabaseNotEmpty, database_is_empty, demo_load


class Command(BaseCommand):
    help = ("Load the demo programme into an empty database (refuses a database that has data). With --members N, "
            "load instead a big made-up programme, for benchmarks and evaluating the service at scale: N confirmed "
            "members, all due at the next draw, in --organisations K of Zipf-like sizes, with --rounds R past rounds "
            "of pairs and check-ins.")

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing, successfully, when the database has data.")
        parser.add_argument("--members", type=int, metavar="N", help="a big programme of N members (at least 2)")
        parser.add_argument("--rounds", type=int, metavar="R", help="its past rounds (default 12; 0 to 60)")
        parser.add_argument("--organisations", type=int, metavar="K",
                            help="its organisations (default one for every 50 members; 1 to N)")
        parser.add_argument("--seed", type=int, metavar="S", help="for the same programme again (default 1)")

    def handle(self, *args, if_empty=False, members=None, rounds=None, organisations=None, seed=None, **options):
        if members is None:
            if rounds is not None or organisations is not None or seed is not None:
                raise CommandError("--rounds, --organisations and --seed are for a big programme: add --members N.")
            return self._demo(if_empty=if_empty)
        if members < 2:
            raise CommandError(f"--members must be at least 2, not {members}.")
        rounds = 12 if rounds is None else rounds
        if not 0 <= rounds <= 60:
            raise CommandError(f"--rounds must be between 0 and 60, not {rounds}.")
        if organisations is not None and not 1 <= organisations <= members:
            raise CommandError(f"--organisations must be between 1 and the number of members ({members}), "
                               f"not {organisations}.")
        if not database_is_empty():
            if if_empty:
                self.stdout.write("The database has data already; nothing loaded.")
                return
            raise CommandError("The database already has programmes or people; a big programme loads only into an "
                               "empty one.")
        started = time.perf_counter()
        big = demo_big(members=members, rounds=rounds, organisations=organisations, seed=1 if seed is None else seed)
        self.stdout.write(
            f"Loaded “{big.programme.name}” ({big.programme.slug}): {members:,} members, {rounds} past rounds "
            f"({big.seats:,} seats, {big.check_ins:,} check-ins), round {big.next_round.number} scheduled for "
            f"{big.next_round.draw_at:%Y-%m-%d %H:%M}, in {time.perf_counter() - started:.0f} s.")

    def _demo(self, *, if_empty: bool):
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
