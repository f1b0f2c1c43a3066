"""The pages that compose several apps: home, programme, account."""

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory
from tests.rounds.helpers import schedule
from unmentoring.rounds.services.lifecycle import rounds_advance

pytestmark = pytest.mark.django_db


def test_the_account_page_lists_the_members_programmes(client, signed_in):
    response = client.get(reverse("site:account"))
    assert response.status_code == 200
    assert signed_in.programme.name in response.text
    assert signed_in.organisation in response.text


def test_the_account_page_makes_a_fixed_number_of_queries(client, signed_in, django_assert_max_num_queries):
    for _ in range(5):
        MembershipFactory(person=signed_in.person)
    with django_assert_max_num_queries(7):  # 6, and whether to offer the organisers' console
        assert client.get(reverse("site:account")).status_code == 200


def test_the_account_page_links_to_my_latest_round_and_the_programme_page_to_its_organisers(client, weekly, members):
    rnd = schedule(weekly)
    rounds_advance(now=rnd.draw_at)
    client.force_login(members[0].person)
    assert f'href="{rnd.get_absolute_url()}" data-testid="latest-round"' in client.get(reverse("site:account")).text
    weekly.contact_email = "organisers@example.org"
    weekly.save()
    assert 'href="mailto:organisers@example.org"' in client.get(weekly.get_absolute_url()).text
