"""Kept queries: SQL compiled once, run with each call's values, giving exactly what the queryset gives."""

import datetime
import gc
import threading
import weakref

import pytest
from django.db import connection, connections
from django.db.models import Q
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import MembershipFactory, PersonFactory, ProgrammeFactory
from unmentoring.accounts.models import Person
from unmentoring.core.kept import kept_query
from unmentoring.programmes.models import Membership, Programme


def rows(memberships):
    """What a caller reads: each row's fields, and its person's and programme's (read with it)."""
    return [(m.pk, m.organisation, m.person.email, m.person.full_name, m.programme.slug, m.programme.name)
            for m in memberships]


def members_of(programme_slug, organisation):
    return (Membership.objects.filter(programme__slug=programme_slug, organisation=organisation)
            .exclude(status="left").select_related("person", "programme").order_by("pk"))


def members_between(low, high):
    return Membership.objects.filter(pk__gte=low, pk__lte=high).select_related("person", "programme").order_by("-pk")


kept_members_of = kept_query(members_of)
kept_members_between = kept_query(members_between)


@pytest.fixture
def programme_members(db):
    programmes = [ProgrammeFactory(slug="coffee"), ProgrammeFactory(slug="tea"), ProgrammeFactory(slug="o'brien")]
    made = []
    for n, organisation in enumerate(["Council", "Council", "NHS", "", "NHS", "100% Trust", "Council"]):
        made.append(MembershipFactory(programme=programmes[n % 3], organisation=organisation,
                                      person=PersonFactory(full_name=f"Person {n}")))
    return made


SLUGS = st.sampled_from(["coffee", "tea", "o'brien", "", "nope", "kept-probe-0-1", "COFFEE"])
ORGANISATIONS = st.sampled_from(["Council", "NHS", "", "100% Trust", "council", "%", "kept-probe-1-1"]) | st.text(max_size=8)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(slug=SLUGS, organisation=ORGANISATIONS)
def test_a_kept_query_gives_what_its_queryset_gives_for_any_text(programme_members, slug, organisation):
    organisation = organisation.replace("\x00", "")  # PostgreSQL's text holds no NUL, whichever way it is asked
    assert rows(kept_members_of(programme_slug=slug, organisation=organisation)) == rows(
        members_of(slug, organisation))
    assert kept_members_of.compiled(programme_slug=slug, organisation=organisation)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(low=st.integers(-5, 40) | st.integers(), high=st.integers(-5, 40))
def test_a_kept_query_with_two_numbers_puts_each_in_its_place(programme_members, low, high):
    first = programme_members[0].pk
    low, high = first + low if abs(low) < 100 else low, first + high
    assert rows(kept_members_between(low=low, high=high)) == rows(members_between(low, high))


def programmes_sized(size):
    return Programme.objects.filter(group_size=size).order_by("pk")


kept_programmes_sized = kept_query(programmes_sized)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(size=st.integers(-3, 6) | st.integers(-(2**64), 2**64)
       | st.sampled_from([2**15, 2**15 - 1, 2**31, -(2**15), 2**16 + 3, 2**32 + 2, -(2**16) + 4, 2**48 + 3]))
def test_a_kept_query_on_a_small_number_column_is_kept_and_a_number_it_cannot_hold_matches_nothing(db, size):
    # PostgreSQL's backend sends such a number typed (a 16-bit integer here), which the kept SQL must too; one
    # too big for the type must not be cut down to its bits (2**16 + 3 would become 3, a stored group size).
    if not Programme.objects.exists():
        for group_size in (2, 3, 3, 4):
            ProgrammeFactory(group_size=group_size)
    assert [p.pk for p in kept_programmes_sized(size=size)] == [p.pk for p in programmes_sized(size)]
    assert kept_programmes_sized.compiled(size=2)


def test_each_call_is_one_query_and_sees_rows_written_since_it_was_kept(programme_members, django_assert_num_queries):
    assert len(kept_members_of(programme_slug="coffee", organisation="Council")) == 2
    MembershipFactory(programme=programme_members[0].programme, organisation="Council")
    with django_assert_num_queries(1):
        assert len(kept_members_of(programme_slug="coffee", organisation="Council")) == 3


def every_field(memberships):
    """Each concrete field of each row and of the person and programme read with it, as Python has it."""
    return [[(field.attname, getattr(instance, field.attname)) for instance in (m, m.person, m.programme)
             for field in type(instance)._meta.concrete_fields] for m in memberships]


def test_a_connection_works_out_a_kept_querys_converters_once_and_they_go_on_converting(programme_members):
    kept = kept_query(members_of)
    assert kept(programme_slug="coffee", organisation="Council")
    asked = []
    backend = connection.ops.get_db_converters
    connection.ops.get_db_converters = lambda expression: asked.append(expression) or backend(expression)
    try:
        again = kept(programme_slug="coffee", organisation="Council")
    finally:
        del connection.ops.get_db_converters
    assert not asked  # the connection kept them from the first call
    # ...and they still apply: SQLite's text becomes dates and times with their zone, as the queryset gives.
    assert every_field(again) == every_field(members_of("coffee", "Council"))
    assert all(isinstance(m.person.created_at, datetime.datetime) and m.person.created_at.tzinfo for m in again)


def people_named(name):
    return Person.objects.filter(full_name=name).order_by("pk")


@pytest.mark.django_db(transaction=True)
def test_each_kept_query_keeps_its_own_converters_on_each_connection_it_runs_on(programme_members):
    members, people = kept_query(members_of), kept_query(people_named)
    for _ in range(2):  # the second time from what each kept: one query's never stand in for the other's
        assert every_field(members(programme_slug="coffee", organisation="Council")) == every_field(
            members_of("coffee", "Council"))
        assert [(p.pk, p.created_at, p.email_confirmed_at) for p in people(name="Person 0")] == [
            (p.pk, p.created_at, p.email_confirmed_at) for p in people_named("Person 0")]
    connection.close()  # the same connection object connects afresh, and what it kept still holds
    assert every_field(members(programme_slug="coffee", organisation="Council")) == every_field(
        members_of("coffee", "Council"))
    found = []
    thread = threading.Thread(target=lambda: (found.extend(members(programme_slug="coffee", organisation="Council")),
                                              connection.close()))
    thread.start()
    thread.join()
    assert every_field(found) == every_field(members_of("coffee", "Council"))  # another thread's connection


def _shape_changes(number):
    base = Membership.objects.select_related("person")
    return (base.filter(pk__gt=number) if number % 2 else base.filter(pk__lt=number)).order_by("pk")


def _pattern(organisation):
    return Membership.objects.filter(organisation__icontains=organisation).order_by("pk")


def _raw_and_changed(organisation):
    return Membership.objects.filter(Q(organisation=organisation) | Q(role__icontains=organisation)).order_by("pk")


def _unused(number, organisation):
    return Membership.objects.filter(organisation=organisation).order_by("pk")


def _sliced(number):
    return Membership.objects.order_by("pk")[:number]


def _as_text(number):
    return Membership.objects.filter(organisation=number).order_by("pk")


def _flag(flag):
    return Membership.objects.filter(first_in_line=flag).order_by("pk")


def _locked(number):
    return Membership.objects.select_for_update().filter(pk=number)


@pytest.mark.parametrize(("build", "values"), [
    (_shape_changes, {"number": 3}),  # the SQL depends on the value
    (_pattern, {"organisation": "Coun"}),  # the value reaches the SQL changed (%Coun%)
    (_raw_and_changed, {"organisation": "Service"}),  # as itself once, changed once
    (_unused, {"number": 3, "organisation": "NHS"}),  # a value the SQL never sees
    (_sliced, {"number": 2}),  # a value written into the SQL itself
    (_as_text, {"number": 100}),  # a number the text column turns into text
    (_flag, {"flag": True}),  # a bool is not an int here
    (members_of, {"programme_slug": None, "organisation": "NHS"}),  # None makes IS NULL
    (members_between, {"low": 2**70, "high": 3}),  # too big for any column
])
def test_what_cannot_be_kept_runs_as_its_queryset_with_the_same_result(programme_members, build, values,
                                                                       transactional_db):
    kept = kept_query(build)
    for _ in range(2):
        assert [m.pk for m in kept(**values)] == [m.pk for m in build(**values)]
    assert not kept.compiled(**values)


@pytest.mark.django_db(transaction=True)
def test_a_query_kept_in_one_thread_runs_on_the_connection_of_the_thread_that_calls_it(programme_members):
    kept = kept_query(members_of)
    assert kept(programme_slug="coffee", organisation="Council")
    seen, found, failed = [], [], []

    def elsewhere():
        def spy(execute, sql, params, many, context):
            seen.append(sql)
            return execute(sql, params, many, context)

        try:
            with connection.execute_wrapper(spy):
                found.extend(kept(programme_slug="coffee", organisation="Council"))
        except Exception as error:  # noqa: BLE001 (reported below)
            failed.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    assert not failed
    assert [m.pk for m in found] == [m.pk for m in members_of("coffee", "Council")]
    assert len(seen) == 1  # on this thread's own connection, which the spy watches


@pytest.mark.django_db(transaction=True)
def test_what_is_kept_does_not_keep_the_connection_of_the_thread_that_kept_it(programme_members):
    kept = kept_query(members_of)
    held = []

    def elsewhere():
        assert kept(programme_slug="coffee", organisation="Council")
        held.append(weakref.ref(connections["default"]))  # this thread's, with its database connection left open

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    gc.collect()
    assert held[0]() is None  # gone with its thread: nothing kept it alive
    assert kept.compiled(programme_slug="x", organisation="y")
