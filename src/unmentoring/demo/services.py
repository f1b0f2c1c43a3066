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
from unmentoring.programmes.services import membership_leave
from unmentoring.rounds.enums import Met, Minutes, NotMetReason, Publish
from unmentoring.rounds.models import CheckIn
from unmentoring.rounds.services.checkins import CheckInAnswer, checkin_record
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
DEMO_ADMIN_EMAIL = "admin@example.org"


class DatabaseNotEmpty(ApplicationError):
    """The demo loads only into an empty database."""


ROUNDS = 6
FIRST_WAVE = 40  # members before round 1; the rest join a few before each later round


def database_is_empty() -> bool:
    return not (Programme.objects.exists() or Person.objects.exists())


@transaction.atomic
def demo_load(*, members: int = 60, rounds: int = ROUNDS, seed: int = 2026) -> Programme:
    """A programme with an organiser and ``rounds`` finished rounds: members who joined in waves across
    organisations, a few who left, and varied check-ins, so that every insights figure has something to say."""
    if not database_is_empty():
        raise DatabaseNotEmpty("The database already has programmes or people; the demo loads only into an empty one.")
    rng = random.Random(seed)
    now = timezone.now()
    # The organiser runs the programme from the console; the site's administrator has the Django admin.
    organiser = Person.objects.create_user(DEMO_ORGANISER_EMAIL, full_name="Olu Organiser", email_confirmed_at=now)
    Person.objects.create_superuser(DEMO_ADMIN_EMAIL, full_name="Ada Administrator")
    programme = Programme.objects.create(
        name="LocalGov Digital Coffee",
        slug="localgov-digital-coffee",
        contact_email="coffee-organisers@example.org",
        hashtag="#localgovdigital",
        summary="Meet someone from another council every month for a 30 to 60 minute conversation.",
        description=(
            "A randomised coffee trial for people working on digital, data and technology in local government.\n\n"
            "Each month you are matched at random with someone from another organisation. You talk by phone or video, "
            "then share one thing you learned."
        ),
    )
    programme.organisers.add(organiser)
    names = rng.sample([f"{f} {l}" for f in FIRST for l in LAST], members)
    waves = [names[:FIRST_WAVE]]
    later = names[FIRST_WAVE:]
    per_round = -(-len(later) // max(rounds - 1, 1))
    waves += [later[i:i + per_round] for i in range(0, len(later), per_round)]
    _past_rounds(programme, waves=waves, rng=rng, now=now, rounds=rounds)
    return programme


def _join(programme: Programme, names: list[str], *, first_index: int, rng: random.Random, when) -> list[Membership]:
    joined = []
    for index, name in enumerate(names, start=first_index):
        person = Person.objects.create_user(
            f"{name.lower().replace(' ', '.')}@example.org", full_name=name, email_confirmed_at=when
        )
        joined.append(Membership.objects.create(
            person=person,
            programme=programme,
            organisation=ORGANISATIONS[index % len(ORGANISATIONS)],
            role=rng.choice(ROLES),
            phone=f"+447911123{index:03d}",
            video_kind="teams" if index % 3 else "",
            video_handle=f"{name.lower().replace(' ', '.')}@example.org" if index % 3 else "",
            happy_to_talk_about=rng.choice(TOPICS),
            rules_agreed_at=when,
            sharing_agreed_at=when,
            confirmed_at=when,
        ))
    Membership.objects.filter(pk__in=[m.pk for m in joined]).update(created_at=when, updated_at=when)
    return joined


LEARNINGS = [
    "Their council runs user research with residents every fortnight, on a tiny budget. We could do that too.",
    "Cornwall publish their service standard assessments openly. I am going to suggest we do the same.",
    "I had assumed procurement was the blocker. For them it was the finance sign-off, and they fixed it by inviting "
    "finance to show and tells.",
    "A content designer in another council rewrote their bin collection pages and calls dropped by a third.",
    "We both struggle to hire developers. They have had luck with apprenticeships; I will talk to HR.",
    "I learned how they moved off a legacy case management system one service at a time instead of all at once.",
    "They use a shared Slack with five neighbouring councils to swap patterns. I have asked to join.",
    "Open data does not need a portal to start: they publish CSVs on GitHub and link to them.",
    "Accessibility audits are cheaper when you train your own people first. They shared their training plan.",
    "Running a small team means saying no more often. They keep a public 'not now' list.",
    "Their discovery on school admissions found the same pain points as ours. We will share findings.",
    "I will stop writing requirements documents and start with a prototype.",
    "Data analysts and service designers pairing on the same problem made both better at it.",
    "They hold a monthly 'failure fest' where teams share what did not work. I want to try it.",
    "Talking to someone from the NHS made me see how similar our referral problems are.",
    "Agile in a council works best when a councillor comes to a sprint review. They invite one every month.",
    "",
]
SHARED = ["https://blog.example.org/what-i-learned-from-a-random-coffee",
          "https://social.example.org/@coffee/112233", ""]


def _past_rounds(programme: Programme, *, waves: list[list[str]], rng: random.Random, now, rounds: int) -> None:
    """Finished monthly rounds, run through the real lifecycle at past moments, with made-up check-ins.

    Before each round a wave of people joins (the first wave is the biggest); after the third round two
    members leave; from halfway the programme runs the experiment (random against similar). Each group met, planned to or did not (with a reason), a little more often as the months
    go by; about four in five members answered, with a spread of challenge scores and learnings, some
    published with a name, some without. Their emails are not kept: the demo's sent-mail page starts empty.
    """
    moment = now - timedelta(days=31 * rounds + 10)
    joined: list[Membership] = []
    for number in range(rounds):
        if number == rounds // 2:  # halfway, the organisers start testing the assumption
            Programme.objects.filter(pk=programme.pk).update(experiment=True)
            programme.refresh_from_db()
        rnd = round_schedule_next(programme=programme, now=moment)
        if number < len(waves):
            joined += _join(programme, waves[number], first_index=len(joined), rng=rng,
                            when=rnd.draw_at - timedelta(days=rng.randint(3, 12)))
        round_draw(round_id=rnd.pk, now=rnd.draw_at)
        for group in rnd.groups.order_by("number"):
            outcome = rng.choices([Met.YES, Met.PLANNED, Met.NO], weights=[6 + number, 1, 3])[0]
            for seat in group.seats.order_by("pk"):
                if rng.random() < 0.8:
                    checkin_record(seat_id=seat.pk, answer=_answer(outcome, rng))
        answered_at = rnd.window_ends_at - timedelta(days=1)
        CheckIn.objects.filter(seat__group__round=rnd).update(created_at=answered_at, updated_at=answered_at)
        round_close(round_id=rnd.pk, now=rnd.close_at)
        if number == 2:
            for leaver in joined[3:5]:
                membership_leave(membership=leaver, now=rnd.close_at + timedelta(days=2))
        moment = rnd.draw_at + timedelta(days=1)
    round_schedule_next(programme=programme, now=now)
    Message.objects.all().delete()


def _answer(outcome: str, rng: random.Random) -> CheckInAnswer:
    if outcome == Met.NO:
        reason = rng.choice(NotMetReason.values)
        return CheckInAnswer(met=Met.NO, not_met_reason=reason,
                             not_met_detail="We were both off sick that week." if reason == NotMetReason.OTHER else "")
    if outcome == Met.PLANNED:
        return CheckInAnswer(met=Met.PLANNED)
    learned = rng.choice(LEARNINGS)
    publish = rng.choices(Publish.values, weights=[4, 3, 3])[0] if learned else Publish.PRIVATE
    return CheckInAnswer(met=Met.YES, minutes=rng.choice(Minutes.values), challenge=rng.choices([1, 2, 3, 4, 5], [1, 2, 4, 5, 3])[0],
                         learned=learned, shared_url=rng.choice(SHARED) if publish == Publish.NAMED else "", publish=publish)
