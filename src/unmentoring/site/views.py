from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from unmentoring.accounts.selectors import blocks_made
from unmentoring.core.views import public_page_cache
from unmentoring.insights.sections import sections
from unmentoring.insights.selectors import insights_version, programme_insights
from unmentoring.programmes.selectors import memberships_of, organises, programme_get, programmes_listed
from unmentoring.rounds.enums import RoundState
from unmentoring.rounds.selectors import latest_rounds_of, learnings_published, people_grouped_with, rounds_of, seats_of


def home(request):
    return render(request, "site/home.html", {"programmes": programmes_listed()})


def privacy(request):
    return render(request, "site/privacy.html", {
        "sign_up_days": settings.SIGN_UP_CONFIRM_DAYS,
        "link_request_minutes": settings.SIGN_IN_LIMIT_WINDOW_SECONDS // 60,
        "message_days": settings.OUTBOX_KEEP_DAYS,
    })


def accessibility(request):
    return render(request, "site/accessibility.html")


LATEST_LEARNINGS = 3


@public_page_cache
def programme(request, slug):
    """A programme's public page: what it is, how to join, its next and past rounds."""
    programme = programme_get(slug=slug)
    return render(request, "site/programme.html", {
        "programme": programme, **rounds_of(programme),
        "latest_learnings": learnings_published(programme=programme)[:LATEST_LEARNINGS],
    })


@public_page_cache
def does_it_work(request, slug):
    """The programme's figures for anyone, in aggregate: no names, and nothing based on fewer than five
    people. Its organisers can turn it off."""
    programme = programme_get(slug=slug)
    if not programme.insights_public:
        raise Http404("This programme does not publish its figures.")
    today = timezone.localdate(timezone=programme.tz)
    # Anyone can open it, so its arithmetic is done once per change of the data, not once per visit.
    key = f"does-it-work:{programme.pk}:{today}:{insights_version(programme)}"
    found = cache.get(key)
    if found is None:
        found = sections(programme_insights(programme, today=today), public=True)
        cache.set(key, found, timeout=3600)
    return render(request, "site/does_it_work.html", {
        "programme": programme, "sections": found,
        "latest_learnings": learnings_published(programme=programme)[:LATEST_LEARNINGS],
    })


@login_required
def signed_in(request):
    """Where signing in lands without a page to go back to: organisers on their console."""
    return redirect("console:home" if organises(person=request.user) else "site:account")


@login_required
def account(request):
    """Someone's account: their name, each membership with its latest round, their data."""
    memberships = memberships_of(person=request.user)
    latest = latest_rounds_of(person=request.user)
    for membership in memberships:
        membership.latest_round = latest.get(membership.programme_id)
        # While a round is open, its check-in is one click from here too.
        open_round = membership.latest_round if membership.latest_round and membership.latest_round.state == RoundState.DRAWN else None
        membership.checkins = seats_of(person=request.user, rnd=open_round) if open_round else []
    # A blocked person is named only if they were in one of this person's groups (how else would they know them?).
    made = blocks_made(person=request.user)
    known = people_grouped_with(person=request.user) if made else set()  # most people block nobody
    blocks = [{"pk": block.pk, "name": block.blocked.full_name if block.blocked_id in known else "Someone you reported"}
              for block in made]
    return render(request, "site/account.html", {"memberships": memberships, "blocks": blocks})
