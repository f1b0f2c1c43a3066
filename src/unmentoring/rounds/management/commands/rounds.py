from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from unmentoring.rounds.selectors import rounds_upcoming


class Command(BaseCommand):
    help = "List each programme's next round and when it is drawn (to move the clock in the demo: see --next-draw)."

    def add_arguments(self, parser):
        parser.add_argument("--next-draw", action="store_true",
                            help="Print only a moment just after the next draw, for `unmentoring tick --now …`.")

    def handle(self, *args, next_draw=False, **options):
        upcoming = rounds_upcoming()
        if next_draw:
            if not upcoming:
                raise CommandError("No round is scheduled: run `unmentoring tick` to schedule each programme's next round.")
            moment = upcoming[0].draw_at + timedelta(minutes=1)
            self.stdout.write(timezone.localtime(moment).isoformat(timespec="minutes"))
            return
        if not upcoming:
            self.stdout.write("No round is scheduled.")
        for rnd in upcoming:
            draw = timezone.localtime(rnd.draw_at, rnd.programme.tz)
            self.stdout.write(f"{rnd.programme.name}: round {rnd.number} is drawn {draw:%A %-d %B %Y at %H:%M %Z}")
