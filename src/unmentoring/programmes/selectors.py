from __future__ import annotations

from django.shortcuts import get_object_or_404

from unmentoring.programmes.models import Membership, Programme


def programmes_listed():
    return Programme.objects.filter(is_open=True).order_by("name")


def programme_get(*, slug: str) -> Programme:
    return get_object_or_404(Programme, slug=slug)


def memberships_of(*, person) -> list[Membership]:
    return list(
        Membership.objects.filter(person=person).select_related("programme").order_by("programme__name")
    )


def membership_of(*, person, slug: str) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("programme"), person=person, programme__slug=slug
    )


def organises(*, person) -> bool:
    """Whether this person runs a programme from the console (site administrators run them all)."""
    return person.is_authenticated and (person.is_superuser
                                        or Programme.organisers.through.objects.filter(person_id=person.pk).exists())
