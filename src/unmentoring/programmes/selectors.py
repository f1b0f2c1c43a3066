from __future__ import annotations

from django.shortcuts import get_object_or_404

from unmentoring.core.kept import kept_query
from unmentoring.programmes.models import Membership, Programme


def programmes_listed():
    return Programme.objects.filter(is_open=True).order_by("name")


def programme_get(*, slug: str) -> Programme:
    return get_object_or_404(Programme, slug=slug)


def memberships_of(*, person) -> list[Membership]:
    return _memberships_of(person_id=person.pk)


@kept_query
def _memberships_of(*, person_id: int):
    return Membership.objects.filter(person_id=person_id).select_related("programme").order_by("programme__name", "pk")


def membership_of(*, person, slug: str) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("programme"), person=person, programme__slug=slug
    )


def organises(*, person) -> bool:
    """Whether this person runs a programme from the console (site administrators run them all)."""
    return person.is_authenticated and (person.is_superuser or bool(_organised_by(person_id=person.pk)))


@kept_query
def _organised_by(*, person_id: int):
    return Programme.organisers.through.objects.filter(person_id=person_id).values_list("pk", flat=True)[:1]
