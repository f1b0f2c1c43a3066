"""Who is signed in: the person read with a kept query, for the sessions this site makes.

Every signed-in page asks for the person (Django's session middleware hands
over their id), so that query is compiled once per process
(unmentoring.core.kept). ``login()`` names this backend, so a session's
requests come here. It authenticates nothing itself: sign-in links are
read by django-sesame's backend, listed first, which also serves sessions
made before this one existed.
"""

from __future__ import annotations

from django.contrib.auth.backends import BaseBackend

from unmentoring.accounts.models import Person
from unmentoring.core.kept import kept_query

PATH = "unmentoring.accounts.backends.PersonBackend"


@kept_query
def _person(*, person_id: int):
    return Person.objects.filter(pk=person_id)[:1]


class PersonBackend(BaseBackend):
    def get_user(self, user_id):
        if type(user_id) is not int:
            return None  # Django hands over the key as the model reads it: an int
        found = _person(person_id=user_id)
        return found[0] if found and found[0].is_active else None  # as Django's ModelBackend: no inactive person
