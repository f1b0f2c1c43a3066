"""The demo programme that `make run` loads into an empty database."""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from unmentoring.accounts.models import Person
from unmentoring.core.errors import ApplicationError
from unmentoring.notifications.models import Message
from unmentoring.programmes.models import Membership, Programme
from unmentoring.rounds.enums import Met
from unmentoring.rounds.models import CheckIn, Seat
from unmentoring.rounds.services.lifecycle import round_close, round_draw, round_schedule_next

ORGANISATIONS = [
    "Leeds City Council", "Hackney Council", "Cornwall Council", "NHS Digital Leeds", "Bristol City Council",
    "Government Digital Service", "Kent County Council", "Camden Council", "Stockport Council", "Ministry of Justice",
]
FIRST = ["Amira", "Ben", "Chloe", "Dev", "Ella", "Femi", "Grace", "Hamza", "Isla", "Jack", "Kiran", "Leah", "Marek",
         "Nadia", "Owen", "Priya", "Quinn", "Rosa", "Sam", "Tariq", "Uma", "Vic", "Wen", "Yusuf"]
LAST = ["Ahmed", "Brown", "Clarke", "Davies", "Evans", "Fraser", "Green", "Hughes", "Iqbal", "Jones", "Khan", "Lewis"]
ROLES = ["User researcher", "Service designer", "Developer", "Delivery manager", "Product manager", "Data analyst",
         "Content designer", "Head of digital", "Business analyst", "Technical architect"]
TOPICS = ["user research with residents", "moving off legacy systems", "running a small team", "open data",
          "accessibility audits", "agile in a council", "procurement that works", ""]

DEMO_ORGANISER_EMAIL = "organiser@example.org"


class DatabaseNotEmpty(ApplicationError):
    """The demo loads only into an empty database."""


@transaction.atomic
def demo_load(*, members: int = 36, seed: int = 2026) -> Programme:
    """A programme with confirmed members across organisations, and an organiser account."""
    if Programme.objects.exists() or Person.objects.exists():
        raise DatabaseNotEmpty("The database already has programmes or people; the demo loads only into an empty one.")
    rng = random.Random(seed)
    now = timezone.now()
    organiser = Person.objects.create_superuser(DEMO_ORGANISER_EMAIL, full_name="Olu Organiser")
    programme = Programme.objects.create(
        name="LocalGov Digital Coffee",
        slug="localgov-digital-coffee",
        contact_email="coffee-organisers@example.org",
        summary="Meet someone from another council every month for a 30 to 60 minute conversation.",
        description=(
            "A randomised coffee trial for people working on digital, data and technology in local government.\n\n"
            "Each month you are matched at random with someone from another organisation. You talk by phone or video, "
            "then share one thing you learned."
        ),
    )
    programme.organisers.add(organiser)
    names = rng.sample([f"{f} {l}" for f in FIRST for l in LAST], members)
    for index, name in enumerate(names):
        person = Person.objects.create_user(
            f"{name.lower().replace(' ', '.')}@example.org", full_name=name, email_confirmed_at=now
        )
        Membership.objects.create(
            person=person,
            programme=programme,
            organisation=ORGANISATIONS[index % len(ORGANISATIONS)],
            role=rng.choice(ROLES),
            phone=f"+447911123{index:03d}",
            video_kind="teams" if index % 3 else "",
            video_handle=f"{name.lower().replace(' ', '.')}@example.org" if index % 3 else "",
            happy_to_talk_about=rng.choice(TOPICS),
            rules_agreed_at=now,
            sharing_agreed_at=now,
            confirmed_at=now,
        )
    _past_rounds(programme, rng=rng, now=now)
    return programme


def _past_rounds(programme: Programme, *, rng: random.Random, now, rounds: int = 3) -> None:
    """Three finished rounds, run through the real lifecycle at past moments, with made-up check-ins.

    Their emails are not kept: the demo's sent-mail page starts empty.
    """
    moment = now - timedelta(days=31 * rounds + 10)
    for _ in range(rounds):
        rnd = round_schedule_next(programme=programme, now=moment)
        round_draw(round_id=rnd.pk, now=rnd.draw_at)
        for seat in Seat.objects.filter(group__round=rnd).order_by("pk"):
            if rng.random() < 0.75:
                CheckIn.objects.create(seat=seat, met=rng.choices(Met.values, weights=[7, 1, 2])[0])
        round_close(round_id=rnd.pk, now=rnd.close_at)
        moment = rnd.draw_at + timedelta(days=1)
    round_schedule_next(programme=programme, now=now)
    Message.objects.all().delete()
