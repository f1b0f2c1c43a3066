"""The demo programme `make run` loads."""

import feedparser
import pytest
from django.core.management import CommandError, call_command
from django.utils.html import escape

from unmentoring.accounts.models import Person
from unmentoring.programmes.models import Membership, Programme
from unmentoring.rounds.enums import NotMetReason
from unmentoring.rounds.models import CheckIn
from unmentoring.rounds.selectors import learnings_published


@pytest.mark.django_db
def test_demo_loads_a_programme_into_an_empty_database_and_refuses_a_second_time():
    call_command("demo")
    programme = Programme.objects.get()
    assert Membership.objects.filter(programme=programme, confirmed_at__isnull=False).count() == 60
    assert len(set(Membership.objects.values_list("organisation", flat=True))) == 10
    assert Person.objects.filter(is_staff=True).count() == 1

    with pytest.raises(CommandError, match="only into an empty one"):
        call_command("demo")
    call_command("demo", "--if-empty")  # make run: re-running is a no-op
    assert Programme.objects.count() == 1


@pytest.mark.django_db
def test_the_demos_past_rounds_have_realistic_check_ins_and_a_living_learning_feed(client):
    call_command("demo")
    programme = Programme.objects.get()
    answers = CheckIn.objects.filter(seat__group__round__programme=programme)
    assert set(answers.values_list("met", flat=True)) == {"yes", "planned", "no"}
    assert set(answers.filter(met="no").values_list("not_met_reason", flat=True)) == set(NotMetReason.values)
    assert len(set(answers.exclude(challenge=None).values_list("challenge", flat=True))) == 5
    published = learnings_published(programme=programme)
    assert published.filter(publish="named").count() >= 5 and published.filter(publish="anonymous").count() >= 5
    assert published.count() >= 10
    assert programme.hashtag == "#localgovdigital"

    page = client.get(f"/programmes/{programme.slug}/learning/").content.decode()
    feed = feedparser.parse(client.get(f"/programmes/{programme.slug}/learning.atom").content)
    assert len(feed.entries) >= 10 and escape(published.first().learned) in page  # "'not now'" is escaped
    assert client.get(f"/programmes/{programme.slug}/rounds/3/round-up/").status_code == 200


@pytest.mark.django_db
def test_the_demo_has_the_history_the_insights_need(client):
    from unmentoring.insights.selectors import programme_insights  # noqa: PLC0415  (only this test reads them)

    call_command("demo")
    programme = Programme.objects.get()
    insights = programme_insights(programme, today=programme.rounds.order_by("-number").first().draw_at.date())
    closed = [f for f in insights.rounds if f.people]
    assert len(closed) >= 6 and Membership.objects.filter(programme=programme).count() >= 60
    assert all(f.met_groups and f.challenge for f in closed)
    assert sum(1 for m in insights.months if m.joined) >= 4  # people joined in waves, over months
    assert sum(m.left for m in insights.months) >= 2
    assert closed[-1].org_links_so_far > closed[0].new_org_links
    assert insights.experiment is not None and insights.experiment.similar.challenge  # the later rounds ran it
    assert client.get(f"/programmes/{programme.slug}/does-it-work/").status_code == 200
