"""The demo programme `make run` loads."""

import pytest
from django.core.management import CommandError, call_command

from unmentoring.accounts.models import Person
from unmentoring.programmes.models import Membership, Programme


@pytest.mark.django_db
def test_demo_loads_a_programme_into_an_empty_database_and_refuses_a_second_time():
    call_command("demo")
    programme = Programme.objects.get()
    assert Membership.objects.filter(programme=programme, confirmed_at__isnull=False).count() == 36
    assert len(set(Membership.objects.values_list("organisation", flat=True))) == 10
    assert Person.objects.filter(is_staff=True).count() == 1

    with pytest.raises(CommandError, match="only into an empty one"):
        call_command("demo")
    call_command("demo", "--if-empty")  # make run: re-running is a no-op
    assert Programme.objects.count() == 1
