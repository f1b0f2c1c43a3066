"""Who is signed in: django-sesame's backend, reading the person with a kept query.

Every signed-in page asks for the person (Django's session middleware hands
over their id), so that query is compiled once per process
(unmentoring.core.kept). Sign-in links are read as django-sesame reads them.
Sessions made before this backend existed name
``sesame.backends.ModelBackend``, which stays in AUTHENTICATION_BACKENDS
after this one so that nobody is signed out by the change.
"""

from __future__ import annotations

from sesame.backends import ModelBackend

from unmentoring.accounts.models import Person
from unmentoring.core.kept import kept_query

PATH = "unmentoring.accounts.backends.PersonBackend"


@kept_query
def _person(*, person_id: int):
    return Person.objects.filter(pk=person_id)[:1]


class PersonBackend(ModelBackend):
    def get_user(self, user_id):
        if type(user_id) is not int:
            return super().get_user(user_id)
        found = _person(person_id=user_id)
        return found[0] if found and self.user_can_authenticate(found[0]) else None
