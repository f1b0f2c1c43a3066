import pytest
from django.core.exceptions import ValidationError

from tests.factories import ProgrammeFactory


@pytest.mark.django_db
@pytest.mark.parametrize(("field", "value", "message"), [
    ("time_zone", "Mars/Olympus", "“Mars/Olympus” is not a time zone, like Europe/London"),
    ("group_size", 1, "Group size must be between 2 and 5"),
    ("group_size", 6, "Group size must be between 2 and 5"),
    ("window_days", 0, "The conversation window must be between 1 and 90 days"),
])
def test_programme_settings_are_validated_with_a_clear_message(field, value, message):
    programme = ProgrammeFactory.build(**{field: value})
    with pytest.raises(ValidationError) as error:
        programme.full_clean()
    assert error.value.message_dict[field] == [message]


@pytest.mark.django_db
def test_sensible_settings_pass():
    ProgrammeFactory.build(time_zone="Europe/Belfast", group_size=3, window_days=21).full_clean()
