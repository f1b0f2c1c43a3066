"""``field__among``: the same rows as ``__in``, with the whole list in one parameter."""

import os

import pytest
from django.core.exceptions import FieldError
from django.db import DatabaseError, connection

from tests.factories import MembershipFactory, PersonFactory
from unmentoring.accounts.models import Person
from unmentoring.programmes.models import Membership


@pytest.fixture
def people(db):
    return [PersonFactory(email=email) for email in
            ("ada@example.org", "o'brien@example.org", "100%@example.org", "zoë@example.org", "b@example.org")]


PICKS = [
    lambda ids: ids[:2],
    lambda ids: [ids[3], ids[3], ids[0]],  # repeated, out of order
    lambda ids: [],
    lambda ids: [max(ids) + 1, max(ids) + 2],  # nobody
    lambda ids: [ids[1], None],  # NULL: matches nothing, and must not empty an exclude
    lambda ids: [None],
    lambda ids: {ids[1], ids[4]},  # a set
    lambda ids: (i for i in ids),  # a generator
]


@pytest.mark.parametrize("pick", PICKS)
def test_among_finds_exactly_what_in_finds_and_excludes_the_same(people, pick):
    ids = [p.pk for p in people]

    def found(queryset):
        return set(queryset.values_list("pk", flat=True))

    assert found(Person.objects.filter(pk__among=pick(ids))) == found(Person.objects.filter(pk__in=list(pick(ids))))
    assert found(Person.objects.exclude(pk__among=pick(ids))) == found(Person.objects.exclude(pk__in=list(pick(ids))))


def test_a_number_no_column_could_hold_matches_nobody_and_is_no_error(people):
    ids = [p.pk for p in people]
    assert list(Person.objects.filter(pk__among=[ids[2], 2**70, -(2**70)])) == [people[2]]
    assert Person.objects.exclude(pk__among=[2**70]).count() == len(people)


def test_a_longer_text_does_not_match_what_it_starts_with(people):
    stored = PersonFactory(full_name="x" * 120)
    assert stored.full_name == "x" * 120
    assert not Person.objects.filter(full_name__among=["x" * 130]).exists()
    assert Person.objects.filter(full_name__among=["x" * 120]).get() == stored


def test_model_instances_stand_for_their_keys_on_a_foreign_key(people):
    membership = MembershipFactory(person=people[1])
    assert list(Membership.objects.filter(person__among=[people[1], people[2]])) == [membership]


def test_among_is_only_for_integer_text_and_foreign_key_columns(db):
    with pytest.raises(FieldError):
        list(Person.objects.filter(created_at__among=[1]))


def test_among_takes_text_with_quotes_percent_signs_and_accents_and_foreign_keys(people):
    emails = ["o'brien@example.org", "100%@example.org", "zoë@example.org", "nobody@example.org"]
    assert sorted(Person.objects.filter(email__among=emails).values_list("email", flat=True)) == sorted(emails[:3])
    membership = MembershipFactory(person=people[0])
    assert Person.objects.filter(memberships__programme__among=[membership.programme_id]).get() == people[0]


def test_a_list_longer_than_any_cap_on_parameters_is_one_parameter(people):
    wanted = [p.pk for p in people[:2]]
    # More values than the database takes parameters in a query: SQLite's cap is set when it is built (32,766
    # by default, 250,000 in Debian's); PostgreSQL's is 65,535 when parameters are sent apart from the query.
    cap = connection.features.max_query_params or 65_535
    longer = [*range(10**9, 10**9 + cap + 1), *wanted]
    assert sorted(Person.objects.filter(pk__among=longer).values_list("pk", flat=True)) == sorted(wanted)
    if connection.features.max_query_params is not None:  # the cap __in runs into
        with pytest.raises(DatabaseError):
            list(Person.objects.filter(pk__in=longer))


@pytest.mark.parametrize("wrong", ["12", b"12", 12])
def test_among_refuses_what_is_not_a_list(db, wrong):
    with pytest.raises(TypeError, match="__among takes a list"):
        list(Person.objects.filter(pk__among=wrong))


def test_among_refuses_a_queryset_and_says_to_use_in(db):
    with pytest.raises(TypeError, match="use __in for a queryset"):
        list(Person.objects.filter(pk__among=Person.objects.values("pk")))


def test_on_postgresql_parameters_go_apart_and_a_query_run_often_is_prepared(people):
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    if os.environ.get("DATABASE_PREPARED_STATEMENTS", "1").lower() in {"0", "false", "off", "no"}:
        pytest.skip("turned off in this run's environment")
    assert connection.features.uses_server_side_binding
    for _ in range(6):
        list(Person.objects.filter(pk=people[0].pk))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('FROM "accounts_person"' in statement for statement in prepared)
