"""The demo programme `make run` loads."""

import feedparser
import pytest
from django.core.management import CommandError, call_command

from unmentoring.accounts.models import Person
from unmentoring.programmes.models import Membership, Programme
from unmentoring.rounds.enums import NotMetReason
from unmentoring.rounds.models import CheckIn
from unmentoring.rounds.selectors import learnings_published


@pytest.mark.django_db
def test_demo_loads_a_programme_into_an_empty_database_and_refuses_a_second_time():
    call_command("demo")
    programme = Programme.objects.get()
    assert Membership.objects.filter(programme=programme, confirmed_at__isnull=False).count() == 36
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
    assert len(feed.entries) >= 10 and published.first().learned in page
    assert client.get(f"/programmes/{programme.slug}/rounds/3/round-up/").status_code == 200
