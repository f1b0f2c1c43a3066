"""A member who leaves a programme mid-round does not leave their group waiting for them."""

from django.dispatch import receiver

from unmentoring.programmes.signals import membership_left, programme_schedule_changed
from unmentoring.rounds import emails
from unmentoring.rounds.enums import RematchOutcome, RoundState
from unmentoring.rounds.models import Seat
from unmentoring.rounds.services.lifecycle import round_retime_scheduled
from unmentoring.rounds.services.rematch import partners_tell_left_behind


@receiver(membership_left, dispatch_uid="rounds.tell_the_group_left_behind")
def tell_the_group_left_behind(sender, *, membership, now, **kwargs):
    for seat in (Seat.objects.filter(membership=membership, group__round__state=RoundState.DRAWN,
                                     group__round__window_ends_at__gt=now)
                 .exclude(rematch_outcome=RematchOutcome.REGROUPED).order_by("pk")):
        partners_tell_left_behind(seat=seat, why=emails.LEFT_BEHIND_LEFT, now=now)


@receiver(programme_schedule_changed, dispatch_uid="rounds.retime_the_scheduled_round")
def retime_the_scheduled_round(sender, *, programme, **kwargs):
    round_retime_scheduled(programme=programme)
