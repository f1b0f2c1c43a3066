import time

from django.core.management.base import BaseCommand, CommandError

from unmentoring.core.jobs import tick
from unmentoring.core.management.arguments import parse_moment


class Command(BaseCommand):
    help = "Do whatever is due now (deliver mail, end pauses, purge stale sign-ups). Safe to run often: run it from cron or a systemd timer."

    def add_arguments(self, parser):
        parser.add_argument("--now", type=str, help="Act as if it were this moment (ISO 8601, e.g. 2027-01-08T09:00, in TIME_ZONE if no offset).")
        parser.add_argument("--loop", type=int, metavar="SECONDS", help="Keep ticking every SECONDS seconds (what `unmentoring serve` runs).")

    def handle(self, *args, now=None, loop=None, **options):
        moment = parse_moment(now) if now else None
        if loop is not None and loop < 1:
            raise CommandError("--loop must be at least 1 second")
        if loop is not None and moment is not None:
            raise CommandError("--now and --loop cannot be used together")
        try:
            while True:
                results = tick(now=moment)
                self.stdout.write(" ".join(f"{name}={count}" for name, count in results.items()))
                if loop is None:
                    return
                time.sleep(loop)
        except KeyboardInterrupt:  # Ctrl-C under `unmentoring serve`: stop quietly
            return
