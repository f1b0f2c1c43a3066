"""'Never match me with them again': listed on the account page, removable, and obeyed by the next draw."""

import pytest
from django.urls import reverse

from tests.rounds.helpers import drawn_round
from unmentoring.accounts.models import Block
from unmentoring.accounts.services import block_add
from unmentoring.core.models import AuditEvent
from unmentoring.rounds.models import Seat

pytestmark = pytest.mark.django_db


def test_the_next_draw_respects_every_block_through_the_real_engine(weekly, members):
    me, only_one_left = members[0], members[3]
    # Member 4 shares my organisation; everyone else but member 3 is blocked, one way or the other. (Without
    # the blocks, this draw pairs me with member 1.)
    for n in (1, 2, 5):
        block_add(blocker=me.person, blocked=members[n].person)
    for n in (6, 7):
        block_add(blocker=members[n].person, blocked=me.person)
    rnd = drawn_round(weekly)
    mine = Seat.objects.get(group__round=rnd, membership=me).group
    assert set(mine.seats.values_list("membership", flat=True)) == {me.pk, only_one_left.pk}


def test_the_account_page_lists_my_blocks_naming_only_people_i_was_grouped_with(client, weekly, members):
    me = members[0]
    rnd = drawn_round(weekly)
    partner = Seat.objects.filter(group=Seat.objects.get(group__round=rnd, membership=me).group).exclude(membership=me).get()
    stranger = next(m for m in members[1:] if m.pk != partner.membership_id)
    block_add(blocker=me.person, blocked=partner.membership.person)
    block_add(blocker=me.person, blocked=stranger.person)
    block_add(blocker=stranger.person, blocked=me.person)  # theirs, not mine: not listed
    client.force_login(me.person)
    page = client.get(reverse("site:account")).content.decode()
    assert partner.membership.person.full_name in page
    assert stranger.person.full_name not in page and "Someone you reported" in page


def test_removing_a_block_is_audited_and_only_my_own_can_be_removed(client, weekly, members):
    me, them = members[0], members[1]
    mine = block_add(blocker=me.person, blocked=them.person)
    theirs = block_add(blocker=them.person, blocked=me.person)
    client.force_login(me.person)
    response = client.post(reverse("accounts:block-remove", args=[theirs.pk]), follow=True)
    assert "That block is not yours" in response.content.decode()
    assert client.get(reverse("accounts:block-remove", args=[mine.pk])).status_code == 405
    response = client.post(reverse("accounts:block-remove", args=[mine.pk]), follow=True)
    assert "Block removed" in response.content.decode()
    assert list(Block.objects.values_list("pk", flat=True)) == [theirs.pk]
    assert AuditEvent.objects.get(action="block.remove").subject == f"block:{mine.pk}"
    client.logout()
    assert client.post(reverse("accounts:block-remove", args=[theirs.pk])).status_code == 302  # to sign in
    assert Block.objects.filter(pk=theirs.pk).exists()
