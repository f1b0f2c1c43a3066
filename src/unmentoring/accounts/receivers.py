"""Site admins (active superusers) hear when the outbox gives up on mail."""

from django.dispatch import receiver

from unmentoring.accounts.models import Person
from unmentoring.notifications.services import delivery_failed_message, messages_given_up, messages_queue


@receiver(messages_given_up, dispatch_uid="accounts.tell_admins_mail_failed")
def tell_admins(sender, *, counts, batch, last_error, **kwargs):
    total = sum(counts.values())
    admins = Person.objects.filter(is_superuser=True, is_active=True).order_by("pk")
    messages_queue(delivery_failed_message(person=admin, count=total, batch=batch, last_error=last_error) for admin in admins)
