from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from unmentoring.core.management.arguments import parse_moment
from unmentoring.notifications.selectors import outbox_counts
from unmentoring.notifications.services import NOT_REQUEUED, messages_requeue


class Command(BaseCommand):
    help = "Look at the outbox, or send failed messages again once the mail server works (`outbox requeue --failed`)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        sub.add_parser("status", help="How many messages are queued, sent, failed and cancelled.")
        requeue = sub.add_parser("requeue", help="Try failed messages again, with a fresh retry period.")
        requeue.add_argument("--failed", action="store_true", required=True, help="Requeue failed messages (required).")
        requeue.add_argument("--since", help="Only those queued at or after this moment (ISO 8601, e.g. 2027-01-05T09:00).")

    def handle(self, *args, action, **options):
        if action == "status":
            self.stdout.write(" ".join(f"{status}={count}" for status, count in outbox_counts().items()))
            return
        since = parse_moment(options["since"], flag="--since") if options.get("since") else None
        with transaction.atomic():
            count = messages_requeue(since=since)
        if count == 0:
            raise CommandError("No failed messages to requeue" + (f" queued since {options['since']}." if since else "."))
        self.stdout.write(f"Requeued {count} failed message{'s' if count != 1 else ''}; "
                          f"they go out at the next delivery. ({', '.join(sorted(NOT_REQUEUED))} messages are not resent.)")
