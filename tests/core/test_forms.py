"""The GOV.UK form layer: every Django form renders GOV.UK Frontend markup."""

import datetime as dt
from html.parser import HTMLParser

import pytest
from django import forms
from django.forms.renderers import get_default_renderer
from django.template.loader import render_to_string
from pytest_django.asserts import assertHTMLEqual

from unmentoring.core.forms import GovukDateField, GovukDateInput, GovukFormRenderer


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []
        self._open_links = []

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, **{name: (value if value is not None else True) for name, value in attrs}}
        self.found.append(element)
        if tag == "a":
            element["text"] = ""
            self._open_links.append(element)

    def handle_data(self, data):
        for link in self._open_links:
            link["text"] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._open_links:
            link = self._open_links.pop()
            link["text"] = " ".join(link["text"].split())


def elements(html: str) -> list[dict]:
    parser = _Elements()
    parser.feed(str(html))
    return parser.found


def by_id(html: str, element_id: str) -> dict:
    matches = [e for e in elements(html) if e.get("id") == element_id]
    assert len(matches) == 1, f"expected one element with id {element_id!r}, found {len(matches)}"
    return matches[0]


def classes(element: dict) -> set[str]:
    return set(element.get("class", "").split())


class ProfileForm(forms.Form):
    """One field of every kind the form layer supports."""

    name = forms.CharField(
        label="Your name",
        help_text="As you would like your matches to call you",
        error_messages={"required": "Enter your name"},
    )
    email = forms.EmailField(label="Email address", widget=forms.EmailInput(attrs={"class": "govuk-input--width-20"}))
    phone = forms.CharField(label="Phone number", required=False, widget=forms.TextInput(attrs={"type": "tel"}))
    video = forms.URLField(label="Video call link", required=False)
    hours = forms.IntegerField(label="Hours a month", required=False)
    about = forms.CharField(
        label="Happy to talk about",
        help_text="A line about what you like talking about",
        widget=forms.Textarea,
        max_length=200,
        required=False,
    )
    organisation = forms.ChoiceField(
        label="Organisation",
        choices=[("", "Choose an organisation"), ("leeds", "Leeds City Council"), ("nhs", "NHS England")],
    )
    group_size = forms.ChoiceField(
        label="How many people per conversation?",
        choices=[("2", "Pairs"), ("3", "Trios")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select how many people per conversation"},
    )
    days = forms.MultipleChoiceField(
        label="Which days suit you?",
        choices=[("mon", "Monday"), ("tue", "Tuesday")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    pause_until = GovukDateField(label="Pause until", help_text="For example, 27 3 2027", required=False)
    agree = forms.BooleanField(
        label="I will not use conversations to sell anything",
        error_messages={"required": "Agree to the rule before you join"},
    )
    next_url = forms.CharField(widget=forms.HiddenInput, required=False)


VALID = {
    "name": "Ada",
    "email": "ada@example.org",
    "organisation": "leeds",
    "group_size": "2",
    "agree": "on",
    "pause_until_day": "",
    "pause_until_month": "",
    "pause_until_year": "",
}


def test_every_form_renders_through_the_govuk_renderer():
    assert isinstance(get_default_renderer(), GovukFormRenderer)
    assert ProfileForm().renderer.bound_field_class.__name__ == "GovukBoundField"


def test_a_text_field_renders_a_govuk_form_group_with_label_hint_and_input():
    html = ProfileForm()["name"].as_field_group()

    assertHTMLEqual(
        html,
        """
        <div class="govuk-form-group">
          <label class="govuk-label" for="id_name">Your name</label>
          <div id="id_name_helptext" class="govuk-hint">As you would like your matches to call you</div>
          <input type="text" name="name" id="id_name" class="govuk-input"
                 aria-describedby="id_name_helptext">
        </div>
        """,
    )


def test_a_text_field_with_an_error_shows_the_message_and_is_described_by_hint_and_error():
    form = ProfileForm(data={})
    form.is_valid()

    assertHTMLEqual(
        form["name"].as_field_group(),
        """
        <div class="govuk-form-group govuk-form-group--error">
          <label class="govuk-label" for="id_name">Your name</label>
          <div id="id_name_helptext" class="govuk-hint">As you would like your matches to call you</div>
          <p id="id_name_error" class="govuk-error-message">
            <span class="govuk-visually-hidden">Error:</span> Enter your name
          </p>
          <input type="text" name="name" id="id_name" class="govuk-input govuk-input--error"
                 aria-invalid="true" aria-describedby="id_name_helptext id_name_error">
        </div>
        """,
    )


def test_inputs_keep_a_width_class_from_the_widget_and_get_no_required_attribute():
    html = ProfileForm()["email"].as_field_group()

    email = by_id(html, "id_email")
    assert classes(email) == {"govuk-input", "govuk-input--width-20"}
    assert email["type"] == "email"
    assert email["spellcheck"] == "false"
    assert "required" not in email


@pytest.mark.parametrize(
    ("name", "input_type"),
    [("phone", "tel"), ("video", "url"), ("hours", "number")],
)
def test_tel_url_and_number_fields_are_govuk_inputs_of_their_type(name, input_type):
    field = by_id(ProfileForm()[name].as_field_group(), f"id_{name}")

    assert (field["tag"], field["type"], classes(field)) == ("input", input_type, {"govuk-input"})


def test_the_page_heading_field_has_its_label_inside_an_h1():
    class NameForm(forms.Form):
        page_heading_field = "name"
        name = forms.CharField(label="What is your name?")

    assertHTMLEqual(
        NameForm()["name"].as_field_group(),
        """
        <div class="govuk-form-group">
          <h1 class="govuk-label-wrapper">
            <label class="govuk-label govuk-label--l" for="id_name">What is your name?</label>
          </h1>
          <input type="text" name="name" id="id_name" class="govuk-input">
        </div>
        """,
    )


def test_a_page_heading_legend_uses_the_chosen_size_inside_an_h1():
    class SizeForm(forms.Form):
        page_heading_field = "size"
        page_heading_size = "xl"
        size = forms.ChoiceField(label="Group size", choices=[("2", "Pairs")], widget=forms.RadioSelect)

    html = str(SizeForm()["size"].as_field_group())

    legend_and_heading = [e for e in elements(html) if e["tag"] in ("legend", "h1")]
    assert legend_and_heading == [
        {"tag": "legend", "class": "govuk-fieldset__legend govuk-fieldset__legend--xl"},
        {"tag": "h1", "class": "govuk-fieldset__heading"},
    ]


def test_a_textarea_with_a_limit_is_a_character_count_that_states_the_limit_without_javascript():
    html = ProfileForm()["about"].as_field_group()

    assertHTMLEqual(
        html,
        """
        <div class="govuk-form-group govuk-character-count" data-module="govuk-character-count"
             data-maxlength="200">
          <label class="govuk-label" for="id_about">Happy to talk about</label>
          <div id="id_about_helptext" class="govuk-hint">A line about what you like talking about</div>
          <textarea name="about" cols="40" rows="10" id="id_about"
                    class="govuk-textarea govuk-js-character-count"
                    aria-describedby="id_about_helptext id_about-info"></textarea>
          <div id="id_about-info" class="govuk-hint govuk-character-count__message">
            You can enter up to 200 characters
          </div>
        </div>
        """,
    )


def test_a_textarea_over_its_limit_keeps_what_was_typed_and_shows_the_error():
    form = ProfileForm(data={**VALID, "about": "x" * 201})
    form.is_valid()

    textarea = by_id(form["about"].as_field_group(), "id_about")
    assert classes(textarea) == {"govuk-textarea", "govuk-textarea--error", "govuk-js-character-count"}
    assert textarea["aria-describedby"] == "id_about_helptext id_about_error id_about-info"
    assert form.errors["about"] == ["Ensure this value has at most 200 characters (it has 201)."]


def test_a_select_is_a_govuk_select_with_error_class_when_invalid():
    form = ProfileForm(data={})
    form.is_valid()

    select = by_id(form["organisation"].as_field_group(), "id_organisation")
    assert (select["tag"], classes(select)) == ("select", {"govuk-select", "govuk-select--error"})
    assert select["aria-describedby"] == "id_organisation_error"


def test_radios_render_in_a_fieldset_described_by_its_error():
    form = ProfileForm(data={})
    form.is_valid()

    assertHTMLEqual(
        form["group_size"].as_field_group(),
        """
        <div class="govuk-form-group govuk-form-group--error">
          <fieldset class="govuk-fieldset" aria-describedby="id_group_size_error">
            <legend class="govuk-fieldset__legend govuk-fieldset__legend--m">How many people per conversation?</legend>
            <p id="id_group_size_error" class="govuk-error-message">
              <span class="govuk-visually-hidden">Error:</span> Select how many people per conversation
            </p>
            <div class="govuk-radios" data-module="govuk-radios">
              <div class="govuk-radios__item">
                <input type="radio" name="group_size" value="2" id="id_group_size_0" aria-invalid="true"
                       class="govuk-radios__input">
                <label class="govuk-label govuk-radios__label" for="id_group_size_0">Pairs</label>
              </div>
              <div class="govuk-radios__item">
                <input type="radio" name="group_size" value="3" id="id_group_size_1" aria-invalid="true"
                       class="govuk-radios__input">
                <label class="govuk-label govuk-radios__label" for="id_group_size_1">Trios</label>
              </div>
            </div>
          </fieldset>
        </div>
        """,
    )


def test_checkboxes_render_in_a_fieldset_with_the_chosen_boxes_checked():
    form = ProfileForm(data={**VALID, "days": ["tue"]})

    assertHTMLEqual(
        form["days"].as_field_group(),
        """
        <div class="govuk-form-group">
          <fieldset class="govuk-fieldset">
            <legend class="govuk-fieldset__legend govuk-fieldset__legend--m">Which days suit you?</legend>
            <div class="govuk-checkboxes" data-module="govuk-checkboxes">
              <div class="govuk-checkboxes__item">
                <input type="checkbox" name="days" value="mon" id="id_days_0" class="govuk-checkboxes__input">
                <label class="govuk-label govuk-checkboxes__label" for="id_days_0">Monday</label>
              </div>
              <div class="govuk-checkboxes__item">
                <input type="checkbox" name="days" value="tue" id="id_days_1" class="govuk-checkboxes__input" checked>
                <label class="govuk-label govuk-checkboxes__label" for="id_days_1">Tuesday</label>
              </div>
            </div>
          </fieldset>
        </div>
        """,
    )


def test_a_single_boolean_is_one_checkbox_item_with_its_label_beside_it():
    form = ProfileForm(data={})
    form.is_valid()

    assertHTMLEqual(
        form["agree"].as_field_group(),
        """
        <div class="govuk-form-group govuk-form-group--error">
          <p id="id_agree_error" class="govuk-error-message">
            <span class="govuk-visually-hidden">Error:</span> Agree to the rule before you join
          </p>
          <div class="govuk-checkboxes" data-module="govuk-checkboxes">
            <div class="govuk-checkboxes__item">
              <input type="checkbox" name="agree" id="id_agree" class="govuk-checkboxes__input"
                     aria-invalid="true" aria-describedby="id_agree_error">
              <label class="govuk-label govuk-checkboxes__label" for="id_agree">
                I will not use conversations to sell anything
              </label>
            </div>
          </div>
        </div>
        """,
    )


def test_a_date_renders_as_three_labelled_boxes_in_a_group_fieldset():
    form = ProfileForm(initial={"pause_until": dt.date(2027, 3, 27)})

    assertHTMLEqual(
        form["pause_until"].as_field_group(),
        """
        <div class="govuk-form-group">
          <fieldset class="govuk-fieldset" role="group" aria-describedby="id_pause_until_helptext">
            <legend class="govuk-fieldset__legend govuk-fieldset__legend--m">Pause until</legend>
            <div id="id_pause_until_helptext" class="govuk-hint">For example, 27 3 2027</div>
            <div class="govuk-date-input" id="id_pause_until">
              <div class="govuk-date-input__item">
                <div class="govuk-form-group">
                  <label class="govuk-label govuk-date-input__label" for="id_pause_until_day">Day</label>
                  <input type="text" name="pause_until_day" value="27" id="id_pause_until_day"
                         class="govuk-input govuk-date-input__input govuk-input--width-2"
                         inputmode="numeric" spellcheck="false" autocomplete="off">
                </div>
              </div>
              <div class="govuk-date-input__item">
                <div class="govuk-form-group">
                  <label class="govuk-label govuk-date-input__label" for="id_pause_until_month">Month</label>
                  <input type="text" name="pause_until_month" value="3" id="id_pause_until_month"
                         class="govuk-input govuk-date-input__input govuk-input--width-2"
                         inputmode="numeric" spellcheck="false" autocomplete="off">
                </div>
              </div>
              <div class="govuk-date-input__item">
                <div class="govuk-form-group">
                  <label class="govuk-label govuk-date-input__label" for="id_pause_until_year">Year</label>
                  <input type="text" name="pause_until_year" value="2027" id="id_pause_until_year"
                         class="govuk-input govuk-date-input__input govuk-input--width-4"
                         inputmode="numeric" spellcheck="false" autocomplete="off">
                </div>
              </div>
            </div>
          </fieldset>
        </div>
        """,
    )


class PauseForm(forms.Form):
    pause_until = GovukDateField(label="Pause until")


def _pause(day, month, year):
    return PauseForm(data={"pause_until_day": day, "pause_until_month": month, "pause_until_year": year})


@pytest.mark.parametrize(
    ("day", "month", "year", "message", "highlighted"),
    [
        ("", "", "", "Enter pause until", {"day", "month", "year"}),
        ("30", "2", "2027", "Pause until must be a real date", {"day", "month", "year"}),
        ("32", "1", "2027", "Pause until must be a real date", {"day"}),
        ("1", "13", "2027", "Pause until must be a real date", {"month"}),
        ("1st", "3", "2027", "Pause until must be a real date", {"day"}),
        ("1", "March", "2027", "Pause until must be a real date", {"month"}),
        ("", "3", "2027", "Pause until must include a day", {"day"}),
        ("1", "", "", "Pause until must include a month and year", {"month", "year"}),
        ("1", "3", "27", "Pause until year must include 4 numbers", {"year"}),
    ],
)
def test_a_date_that_is_not_a_real_date_gets_a_govuk_message_and_only_the_wrong_boxes_highlighted(
    day, month, year, message, highlighted
):
    form = _pause(day, month, year)

    assert form.is_valid() is False
    assert form.errors["pause_until"] == [message]
    html = form["pause_until"].as_field_group()
    boxes_in_error = {
        part for part in ("day", "month", "year") if "govuk-input--error" in classes(by_id(html, f"id_pause_until_{part}"))
    }
    assert boxes_in_error == highlighted


def test_a_real_date_with_spaces_around_the_numbers_is_cleaned_to_a_date():
    form = _pause(" 29 ", "2", "2028")

    assert form.is_valid() is True
    assert form.cleaned_data["pause_until"] == dt.date(2028, 2, 29)


def test_an_optional_date_left_empty_is_none():
    form = ProfileForm(data=VALID)

    assert form.is_valid() is True, form.errors
    assert form.cleaned_data["pause_until"] is None


def test_a_date_outside_its_limits_names_the_limit():
    class EarliestForm(forms.Form):
        pause_until = GovukDateField(label="Pause until", min_value=dt.date(2027, 1, 1))

    form = EarliestForm(data={"pause_until_day": "31", "pause_until_month": "12", "pause_until_year": "2026"})

    assert form.is_valid() is False
    assert form.errors["pause_until"] == ["Pause until must be the same as or after 1 January 2027"]


def test_date_messages_can_be_overridden_per_field():
    class RequiredForm(forms.Form):
        pause_until = GovukDateField(
            label="Pause until", error_messages={"required": "Enter the date you want to pause until"}
        )

    form = RequiredForm(data={})

    assert form.errors["pause_until"] == ["Enter the date you want to pause until"]


def test_the_date_widget_names_its_boxes_by_part():
    widget = GovukDateInput()

    assert widget.value_from_datadict(
        {"when_day": "1", "when_month": "2", "when_year": "2027"}, {}, "when"
    ) == ["1", "2", "2027"]


def test_the_error_summary_links_every_error_to_the_first_box_to_fix():
    form = ProfileForm(data={"pause_until_day": "", "pause_until_month": "4", "pause_until_year": "2027", "about": "x" * 201})
    form.is_valid()

    html = render_to_string("govuk/forms/error_summary.html", {"form": form})

    summary = [e for e in elements(html) if e["tag"] in ("div", "h2")][:2]
    assert summary == [
        {
            "tag": "div",
            "class": "govuk-error-summary",
            "data-module": "govuk-error-summary",
            "data-testid": "error-summary",
        },
        {"tag": "div", "role": "alert"},
    ]
    links = [(e["href"], e["text"]) for e in elements(html) if e["tag"] == "a"]
    assert links == [
        ("#id_name", "Enter your name"),
        ("#id_email", "This field is required."),
        ("#id_about", "Ensure this value has at most 200 characters (it has 201)."),
        ("#id_organisation", "This field is required."),
        ("#id_group_size_0", "Select how many people per conversation"),
        ("#id_pause_until_day", "Pause until must include a day"),
        ("#id_agree", "Agree to the rule before you join"),
    ]


def test_the_error_summary_lists_errors_that_belong_to_no_field_first_and_unlinked():
    class MeetingForm(forms.Form):
        name = forms.CharField(label="Name")

        def clean(self):
            raise forms.ValidationError("You are already in this round")

    form = MeetingForm(data={"name": "Ada"})
    form.is_valid()

    assertHTMLEqual(
        render_to_string("govuk/forms/error_summary.html", {"form": form}),
        """
        <div class="govuk-error-summary" data-module="govuk-error-summary" data-testid="error-summary">
          <div role="alert">
            <h2 class="govuk-error-summary__title">There is a problem</h2>
            <div class="govuk-error-summary__body">
              <ul class="govuk-list govuk-error-summary__list">
                <li>You are already in this round</li>
              </ul>
            </div>
          </div>
        </div>
        """,
    )


@pytest.mark.parametrize("data", [None, VALID], ids=["unbound", "valid"])
def test_the_error_summary_renders_nothing_for_a_form_without_errors(data):
    form = ProfileForm(data=data)

    assert render_to_string("govuk/forms/error_summary.html", {"form": form}).strip() == ""


def test_a_whole_form_renders_every_field_and_hidden_fields_last_without_an_error_summary():
    form = ProfileForm(data={})
    form.is_valid()

    html = form.render()

    ids = [e["id"] for e in elements(html) if e["tag"] in ("input", "select", "textarea")]
    assert ids == [
        "id_name",
        "id_email",
        "id_phone",
        "id_video",
        "id_hours",
        "id_about",
        "id_organisation",
        "id_group_size_0",
        "id_group_size_1",
        "id_days_0",
        "id_days_1",
        "id_pause_until_day",
        "id_pause_until_month",
        "id_pause_until_year",
        "id_agree",
        "id_next_url",
    ]
    assert [e for e in elements(html) if "govuk-error-summary" in classes(e)] == []


def test_a_form_groups_fields_under_its_fieldsets_legends():
    class ContactForm(forms.Form):
        fieldsets = [("How to reach you", ["email", "phone"])]
        name = forms.CharField(label="Name")
        email = forms.EmailField(label="Email address")
        phone = forms.CharField(label="Phone number")

    html = ContactForm().render()

    tags = [(e["tag"], e.get("id") or e.get("class")) for e in elements(html) if e["tag"] in ("fieldset", "legend", "h2", "input")]
    assert tags == [
        ("input", "id_name"),
        ("fieldset", "govuk-fieldset"),
        ("legend", "govuk-fieldset__legend govuk-fieldset__legend--m"),
        ("h2", "govuk-fieldset__heading"),
        ("input", "id_email"),
        ("input", "id_phone"),
    ]
