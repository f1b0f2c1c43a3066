"""absolute_url: every link as ``reverse`` would make it, whatever its arguments, from a kept path."""

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import NoReverseMatch, path, re_path, register_converter, reverse, set_script_prefix
from hypothesis import example, given
from hypothesis import strategies as st

from unmentoring.core import links
from unmentoring.core.links import absolute_url

TOKEN_VIEWS = ["rounds:checkin", "rounds:rematch", "rounds:skip", "rounds:calendar", "programmes:confirm",
               "programmes:invitation", "programmes:unsubscribe", "programmes:resume", "programmes:digests-off",
               "outcomes:report"]


def _reversed(viewname, kwargs):
    try:
        return settings.SITE_URL + reverse(viewname, kwargs=kwargs)
    except NoReverseMatch:
        return NoReverseMatch


def _made(viewname, kwargs):
    try:
        return absolute_url(viewname, kwargs=kwargs)
    except NoReverseMatch:
        return NoReverseMatch


@given(viewname=st.sampled_from(TOKEN_VIEWS), token=st.text())
@example(viewname="rounds:checkin", token="MQ:1xYbzw:hm_mYdEvnNn8O8bo65kYHy8oBO3Pbw4FbONvnzUVjik")  # a real one
@example(viewname="rounds:calendar", token="a.ics")
@example(viewname="rounds:checkin", token="a/b")
@example(viewname="rounds:checkin", token="")
@example(viewname="rounds:checkin", token="::0::")  # looks like the kept path's mark
@example(viewname="rounds:checkin", token="100% é ?#&=+ \n")
def test_a_link_is_exactly_what_reverse_makes_for_any_token(viewname, token):
    assert _made(viewname, {"token": token}) == _reversed(viewname, {"token": token})


@given(slug=st.text(), number=st.one_of(st.integers(), st.text()))
def test_paths_with_slugs_and_numbers_are_reversed_as_ever(slug, number):
    for viewname in ("rounds:detail", "outcomes:round-up"):
        kwargs = {"slug": slug, "number": number}
        assert _made(viewname, kwargs) == _reversed(viewname, kwargs)


def test_only_paths_of_free_text_are_kept_and_each_under_its_script_prefix():
    links._kept_path.cache_clear()
    absolute_url("rounds:checkin", kwargs={"token": "abc"})
    absolute_url("rounds:detail", kwargs={"slug": "coffee", "number": 3})
    absolute_url("site:account")
    kept = {key[0]: path for key, path in _kept_entries()}
    assert kept == {"rounds:checkin": "/r/check-in/::0::/", "rounds:detail": None}
    set_script_prefix("/coffee/")
    try:
        assert absolute_url("rounds:checkin", kwargs={"token": "abc"}) == settings.SITE_URL + "/coffee/r/check-in/abc/"
    finally:
        set_script_prefix("/")
    assert absolute_url("rounds:checkin", kwargs={"token": "abc"}) == settings.SITE_URL + "/r/check-in/abc/"


def _kept_entries():
    """What the kept-path cache holds, by asking it for each key it has seen (lru_cache keeps no list)."""
    seen = [("rounds:checkin", ("token",), "/", settings.ROOT_URLCONF),
            ("rounds:detail", ("number", "slug"), "/", settings.ROOT_URLCONF)]
    before = links._kept_path.cache_info().hits
    entries = [(key, links._kept_path(*key)) for key in seen]
    assert links._kept_path.cache_info().hits == before + len(seen)  # both were kept, not made now
    return entries


def _two_texts(request, a, b):
    raise AssertionError("never served")


class _Lowercase:
    regex = "[^/]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return str(value).lower()


register_converter(_Lowercase, "lowercase_for_test")

urlpatterns = [
    path("pair/<str:a>/<str:b>/", _two_texts, name="pair"),
    re_path(r"^word/(?P<a>[\w:]+)/$", _two_texts, name="word"),  # takes a colon, but not every text
    path("low/<lowercase_for_test:a>/", _two_texts, name="low"),  # changes what it is given
    path("twice/<str:a>/", _two_texts, name="twice"),
    path("twice-number/<int:a>/", _two_texts, name="twice"),  # the same name again, for numbers
]


@given(a=st.text(), b=st.text())
@example(a="::1::", b="x")  # the first value looks like the second one's mark
def test_a_path_of_two_free_texts_fills_each_in_once(a, b):
    with override_settings(ROOT_URLCONF=__name__):
        assert _made("pair", {"a": a, "b": b}) == _reversed("pair", {"a": a, "b": b})


@given(viewname=st.sampled_from(["word", "low", "twice"]), value=st.one_of(st.text(), st.integers(min_value=0)))
@example(viewname="word", value="a b")
@example(viewname="low", value="ABC")
@example(viewname="twice", value=5)
def test_paths_whose_converters_refuse_or_change_text_or_share_a_name_are_reversed_as_ever(viewname, value):
    with override_settings(ROOT_URLCONF=__name__):
        assert _made(viewname, {"a": value}) == _reversed(viewname, {"a": value})


@pytest.fixture(autouse=True)
def _fresh_kept_paths():
    links._kept_path.cache_clear()
    yield
    links._kept_path.cache_clear()
