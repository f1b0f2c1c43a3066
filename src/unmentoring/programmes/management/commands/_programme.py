"""What every command that takes --programme SLUG does with it."""

from django.core.management.base import CommandError

from unmentoring.programmes.models import Programme


def programme_from_slug(slug: str) -> Programme:
    """The programme, or a CommandError that lists the slugs there are."""
    found = Programme.objects.filter(slug=slug).first()
    if found is None:
        known = ", ".join(Programme.objects.order_by("slug").values_list("slug", flat=True)) or "none yet"
        raise CommandError(f"No programme has the slug {slug!r}. Programmes: {known}.")
    return found
