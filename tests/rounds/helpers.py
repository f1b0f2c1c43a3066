"""Moving a weekly programme's first round along a controllable clock."""

from tests.clock import at
from tests.links import path_of
from unmentoring.notifications.models import Message
from unmentoring.notifications.services import message_render
from unmentoring.rounds.models import Group, Round
from unmentoring.rounds.services.lifecycle import rounds_advance

SCHEDULED_AT = at("2027-01-04 08:00")  # Monday; round 1 draws Tuesday 12 January 09:00


def templates():
    return sorted(Message.objects.values_list("template", flat=True))


def schedule(programme):
    rounds_advance(now=SCHEDULED_AT)
    return Round.objects.get(programme=programme, number=1)


def drawn_round(programme):
    rnd = schedule(programme)
    rounds_advance(now=rnd.draw_at)
    rnd.refresh_from_db()
    return rnd


def seats_in_different_groups(rnd, count):
    groups = list(Group.objects.filter(round=rnd).order_by("number")[:count])
    return [g.seats.order_by("pk").first() for g in groups]


def link_in(message, marker):
    """The path of the first link in the message's text that contains ``marker``."""
    return next(path_of(word) for word in message_render(message).body_text.split() if marker in word)
