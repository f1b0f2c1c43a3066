"""Signed links: each app defines its own kinds; a token works only for the kind it was made for."""

import time
import uuid
from datetime import timedelta

import pytest
from django.core import signing

from unmentoring.core.signing import BadLink, SignedLink
from unmentoring.programmes import links as programme_links  # noqa: F401  (defines its kinds)
from unmentoring.rounds import links as round_links  # noqa: F401  (defines its kinds)

KINDS = {"signup", "resume", "unsubscribe", "checkin", "rematch", "calendar", "report", "skip", "digests-off", "invite"}


def test_every_app_defines_its_own_links_and_no_kind_twice():
    assert {link.kind for link in SignedLink.defined() if not link.kind.startswith("test-")} == KINDS
    with pytest.raises(ValueError, match="defined twice"):
        SignedLink("checkin", max_age=None)


@pytest.mark.parametrize("link", SignedLink.defined(), ids=lambda link: link.kind)
def test_a_token_for_one_kind_of_link_is_refused_by_every_other(link):
    token = link.make((3, 4) if link.shape == "pair" else 3)
    assert link.read(token) == ((3, 4) if link.shape == "pair" else 3)
    for other in SignedLink.defined():
        if other is not link:
            with pytest.raises(BadLink, match="not valid"):
                other.read(token)


@pytest.mark.parametrize("link", SignedLink.defined(), ids=lambda link: link.kind)
def test_links_emailed_before_the_links_moved_to_their_apps_still_work(link):
    value = [5, 6] if link.shape == "pair" else 5
    old_token = signing.dumps(value, salt=f"unmentoring.{link.kind}")  # how core/tokens.py made them
    assert link.read(old_token) == (tuple(value) if link.shape == "pair" else value)


SINGLE = SignedLink("test-single", max_age=timedelta(days=1))
PAIR = SignedLink("test-pair", max_age=timedelta(days=1), shape="pair")


def test_a_link_refuses_a_value_of_the_wrong_shape_and_tampering():
    single, pair = SINGLE, PAIR
    with pytest.raises(BadLink):
        pair.read(signing.dumps(7, salt=pair.salt))
    with pytest.raises(BadLink):
        single.read(signing.dumps([7, 8], salt=single.salt))
    with pytest.raises(BadLink):
        single.read(signing.dumps(True, salt=single.salt))  # a bool is not an id
    with pytest.raises(BadLink):
        single.read(single.make(7)[:-2] + "xx")
    assert single.read_or_none("nonsense") is None


def _made_ago(link: SignedLink, value, age: timedelta) -> str:
    """A token as the link would have made it ``age`` ago (the signer's clock moved back, the reader's not)."""

    class Then(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time() - age.total_seconds()))

    return Then(salt=link.salt).sign_object(value, serializer=signing.JSONSerializer)


@pytest.mark.parametrize("link", SignedLink.defined(), ids=lambda link: link.kind)
def test_every_link_works_just_inside_its_lifetime_and_not_just_after(link):
    value = [5, 6] if link.shape == "pair" else 5
    expected = (5, 6) if link.shape == "pair" else 5
    if link.max_age is None:  # one-click unsubscribe keeps working (RFC 8058)
        assert link.read(_made_ago(link, value, timedelta(days=3650))) == expected
        return
    assert link.read(_made_ago(link, value, link.max_age - timedelta(minutes=1))) == expected
    with pytest.raises(BadLink, match="expired"):
        link.read(_made_ago(link, value, link.max_age + timedelta(minutes=1)))


def test_the_lifetimes_are_the_ones_the_design_promises():
    lifetimes = {link.kind: link.max_age for link in SignedLink.defined() if not link.kind.startswith("test-")}
    assert lifetimes == {
        "signup": timedelta(days=7), "resume": timedelta(days=400), "unsubscribe": None, "checkin": timedelta(days=60),
        "rematch": timedelta(days=60), "calendar": timedelta(days=120), "report": timedelta(days=180),
        "skip": timedelta(days=30), "digests-off": None, "invite": timedelta(days=30),
    }


def test_a_bad_link_says_exactly_what_is_wrong():
    with pytest.raises(BadLink) as expired:
        SINGLE.read(_made_ago(SINGLE, 7, timedelta(days=2)))
    assert str(expired.value) == "This link has expired."
    for bad in ("nonsense", SINGLE.make(7)[:-2] + "xx", signing.dumps("7", salt=SINGLE.salt), PAIR.make((1, 2))):
        with pytest.raises(BadLink) as invalid:
            SINGLE.read(bad)
        assert str(invalid.value) == "This link is not valid."


def test_a_new_kind_of_link_is_known_by_its_kind_and_salted_with_it():
    kind = f"test-{uuid.uuid4().hex}"
    link = SignedLink(kind, max_age=timedelta(hours=1))
    assert (link.kind, link.max_age, link.shape, link.salt) == (kind, timedelta(hours=1), "id", f"unmentoring.{kind}")
    assert link in SignedLink.defined()
    assert signing.loads(link.make(3), salt=f"unmentoring.{kind}") == 3
