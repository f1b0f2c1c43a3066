import pytest

from tests.factories import PersonFactory


@pytest.fixture
def organiser(client, weekly):
    """An organiser of the weekly programme, signed in."""
    person = PersonFactory(full_name="Olu Organiser")
    weekly.organisers.add(person)
    client.force_login(person)
    return person
