"""A programme's organisers hear when the outbox gives up on that programme's mail."""

from django.dispatch import receiver

from unmentoring.notifications.services import delivery_failed_message, messages_given_up, messages_queue
from unmentoring.programmes.models import Programme


@receiver(messages_given_up, dispatch_uid="programmes.tell_organisers_mail_failed")
def tell_organisers(sender, *, counts, batch, last_error, **kwargs):
    programmes = Programme.objects.filter(pk__in=[pk for pk in counts if pk is not None]).prefetch_related("organisers")
    messages_queue(
        delivery_failed_message(person=organiser, count=counts[programme.pk], batch=batch, last_error=last_error,
                                programme=programme)
        for programme in programmes.order_by("pk")
        for organiser in sorted(programme.organisers.all(), key=lambda person: person.pk) if organiser.is_active
    )
