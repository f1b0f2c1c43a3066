"""Setting a programme up from the console: words a volunteer understands, a preview of the dates, audited."""

import pytest
from django.urls import reverse

from tests.factories import PersonFactory
from tests.rounds.helpers import drawn_round, schedule
from unmentoring.core.models import AuditEvent
from unmentoring.programmes.models import Programme

pytestmark = pytest.mark.django_db

GOOD = {"name": "NHS Radicals", "slug": "nhs-radicals", "summary": "Meet a fellow radical.", "description": "",
        "rules_text": "No sales pitches.", "prompts": "What are you working on?", "hashtag": "#nhsradicals",
        "contact_email": "", "is_open": "on", "cadence": "fortnightly", "weekday": "2", "week_of_month": "1",
        "draw_time": "10:30", "window_days": "10", "notice_days": "2", "checkin_days": "3", "group_size": "2",
        "same_org_policy": "avoid", "time_zone": "Europe/London", "bank_holidays": "england-and-wales"}


def test_an_organiser_previews_the_dates_then_sets_up_a_programme_they_organise(client, organiser):
    path = reverse("console:programme-new")
    preview = client.post(path, {**GOOD, "action": "preview"})
    assert preview.content.decode().count("Drawn Wednesday") == 3 and not Programme.objects.filter(slug="nhs-radicals")
    assert client.post(path, {**GOOD, "action": "save"}).status_code == 302
    created = Programme.objects.get(slug="nhs-radicals")
    assert list(created.organisers.all()) == [organiser]
    assert AuditEvent.objects.get(action="programme.create").programme_id == created.pk


@pytest.mark.parametrize(("field", "value", "error"), [
    ("name", "", "Enter the programme's name"),
    ("slug", "weekly", "Another programme has this web address"),
    ("slug", "not a slug!", "Use only letters, numbers and hyphens in the web address"),
    ("slug", "new", "“new” is taken by the service itself: choose another web address"),
    ("time_zone", "Mars/Olympus", "“Mars/Olympus” is not a time zone, like Europe/London"),
    ("group_size", "9", "Group size must be between 2 and 5"),
    ("window_days", "0", "The conversation window must be between 1 and 90 days"),
    ("hashtag", "nohash", "A hashtag starts with # and has only letters, numbers and underscores, like #localgovdigital"),
    ("draw_time", "25:00", "Enter the draw time like 09:00"),
    ("notice_days", "99", "Days of notice before the draw must be 30 or fewer"),
])
def test_bad_settings_are_explained_and_nothing_is_saved(client, organiser, field, value, error):
    response = client.post(reverse("console:programme-new"), {**GOOD, field: value, "action": "save"})
    assert error in response.context["form"].errors[field]
    assert not Programme.objects.filter(name="NHS Radicals").exists()


def test_a_schedule_change_retimes_the_scheduled_round_until_its_members_are_told(client, weekly, members, organiser):
    rnd = schedule(weekly)
    path = reverse("console:programme-settings", args=[weekly.slug])
    data = {**GOOD, "name": weekly.name, "slug": weekly.slug, "cadence": "weekly", "weekday": "3"}
    assert client.post(path, {**data, "action": "save"}).status_code == 302
    rnd.refresh_from_db()
    assert rnd.draw_at.astimezone(weekly.tz).weekday() == 3 and rnd.draw_at.astimezone(weekly.tz).strftime("%H:%M") == "10:30"
    assert AuditEvent.objects.get(action="programme.update").detail["schedule_changed"]
    drawn = drawn_round(weekly)
    before = drawn.draw_at
    client.post(path, {**data, "weekday": "4", "action": "save"})
    drawn.refresh_from_db()
    assert drawn.draw_at == before  # a drawn round keeps its dates


def test_only_organisers_set_up_programmes_and_only_their_own_settings(client, weekly):
    member = PersonFactory()
    client.force_login(member)
    assert client.post(reverse("console:programme-new"), {**GOOD, "action": "save"}).status_code == 403
    assert client.get(reverse("console:programme-settings", args=[weekly.slug])).status_code == 404
    assert not Programme.objects.filter(slug="nhs-radicals").exists()


def test_a_rejected_change_of_web_address_leaves_the_pages_links_on_the_saved_one(client, weekly, organiser):
    page = client.post(reverse("console:programme-settings", args=[weekly.slug]),
                       {**GOOD, "slug": "Not valid!", "action": "save"}).content.decode()
    assert f'href="/console/programmes/{weekly.slug}/members/"' in page and "/console/programmes/Not valid!/" not in page


def test_paragraphs_typed_in_a_browser_stay_paragraphs(client, organiser):
    text = "A randomised coffee trial.\r\n\r\nEach month you meet someone new."
    assert client.post(reverse("console:programme-new"), {**GOOD, "description": text, "action": "save"}).status_code == 302
    created = Programme.objects.get(slug="nhs-radicals")
    assert created.description == "A randomised coffee trial.\n\nEach month you meet someone new."
    assert created.description_paragraphs == ["A randomised coffee trial.", "Each month you meet someone new."]
    created.description = text  # already stored with CRLF, before this was fixed
    assert created.description_paragraphs == ["A randomised coffee trial.", "Each month you meet someone new."]
