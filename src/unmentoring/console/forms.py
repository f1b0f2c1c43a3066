import re

from django import forms
from django.core.validators import validate_email

from unmentoring.accounts.forms import EmailAddressField
from unmentoring.core.forms import PlainTextField
from unmentoring.programmes.enums import MembershipStatus, Rhythm
from unmentoring.programmes.forms import PauseForm
from unmentoring.programmes.models import Programme


class OrganiserAddForm(forms.Form):
    email = EmailAddressField(
        label="Their email address", max_length=254,
        help_text="They sign in with it: we email them a link, there is no password.",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": "Enter their email address",
                        "invalid": "Enter an email address in the correct format, like name@example.com",
                        "max_length": "Email address must be 254 characters or fewer"},
    )
    full_name = PlainTextField(label="Their name (optional)", required=False, max_length=120,
                               help_text="If they are new here. People change their own name once signed in.",
                               error_messages={"max_length": "Their name must be 120 characters or fewer"})


class MemberFilterForm(forms.Form):
    """Search and filters for the members list (GET): anything it does not know is an error, not ignored."""

    q = forms.CharField(label="Name, email or organisation", required=False, max_length=200,
                        error_messages={"max_length": "Search for 200 characters or fewer"})
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any"), *MembershipStatus.choices],
                               error_messages={"invalid_choice": "Choose a status from the list"})
    organisation = forms.ChoiceField(label="Organisation", required=False,
                                     error_messages={"invalid_choice": "Choose an organisation from the list"})
    rhythm = forms.ChoiceField(label="How often", required=False, choices=[("", "Any"), *Rhythm.choices],
                               error_messages={"invalid_choice": "Choose how often from the list"})

    def __init__(self, *args, organisations: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", "Any"), *((o, o) for o in organisations)]

    def clean(self):
        cleaned = super().clean()
        # The selector's names: q is the search.
        return {"query": cleaned.get("q", "").strip(), "status": cleaned.get("status", ""),
                "organisation": cleaned.get("organisation", ""), "rhythm": cleaned.get("rhythm", "")}


class AnnouncementForm(forms.Form):
    subject = PlainTextField(label="Subject", max_length=120,
                             error_messages={"required": "Enter a subject",
                                             "max_length": "The subject must be 120 characters or fewer"})
    body = PlainTextField(label="Message", max_length=5000, multiline=True, widget=forms.Textarea(attrs={"rows": 10}),
                          help_text="Plain text. Leave an empty line between paragraphs. Every email ends with the "
                                    "programme's name and links to pause or unsubscribe.",
                          error_messages={"required": "Enter the message",
                                          "max_length": "The message must be 5000 characters or fewer",
                                          "hidden": "The message must not include hidden characters"})


class UploadForm(forms.Form):
    file = forms.FileField(label="The spreadsheet, saved as CSV",
                           help_text="From Excel, Google Sheets or a Microsoft or Google form: File, then Download or "
                                     "Save as, then CSV. Up to 2 MB.",
                           error_messages={"required": "Choose a CSV file", "empty": "The file is empty"})


def mapping_form(header: list[str], fields: dict, data=None, initial=None) -> forms.Form:
    """One select per field, its choices the file's columns (a required field must have one)."""
    choices = [("", "Not in this file"), *((column, column) for column in header)]
    form = forms.Form(data, initial=initial or {}, prefix="map")
    for name, (label, _words, required) in fields.items():
        form.fields[name] = forms.ChoiceField(
            label=label, choices=choices, required=required,
            error_messages={"required": f"Choose the column that holds {label.lower()}",
                            "invalid_choice": f"Choose a column for {label.lower()} from the list"})
    return form


_REASON = {"label": "Why (the member is told)", "max_length": 1000, "multiline": True,
           "widget": forms.Textarea(attrs={"rows": 3}),
           "error_messages": {"required": "Say why: the member is told",
                              "max_length": "The reason must be 1000 characters or fewer",
                              "hidden": "The reason must not include hidden characters"}}


class MemberPauseForm(PauseForm):
    paused_until = PauseForm.base_fields["paused_until"]
    reason = PlainTextField(**_REASON)


class MemberRemoveForm(forms.Form):
    reason = PlainTextField(**_REASON)


class ProgrammeForm(forms.ModelForm):
    """A programme's settings, in words a volunteer understands; the model's own checks say what is wrong."""

    class Meta:
        model = Programme
        fields = ["name", "slug", "summary", "description", "rules_text", "prompts", "hashtag", "contact_email",
                  "is_open", "insights_public", "cadence", "weekday", "week_of_month", "draw_time", "window_days", "notice_days",
                  "checkin_days", "group_size", "same_org_policy", "experiment", "time_zone", "bank_holidays"]
        labels = {
            "name": "Name", "slug": "Web address", "summary": "Summary", "description": "Description (optional)",
            "rules_text": "The rule", "prompts": "Things to talk about", "hashtag": "Hashtag (optional)",
            "contact_email": "Organisers' email address (optional)", "is_open": "Anyone may sign up", "insights_public": "Publish the “Does it work?” page",
            "cadence": "How often", "weekday": "Draw day", "week_of_month": "Which week of the month",
            "draw_time": "Draw time", "window_days": "Days to meet", "notice_days": "Days of notice before the draw",
            "checkin_days": "Days to check in after the window", "group_size": "People per group",
            "same_org_policy": "Same organisation", "experiment": "Test the assumption (an experiment)", "time_zone": "Time zone", "bank_holidays": "Bank holidays",
        }
        help_texts = {
            "slug": "Letters, numbers and hyphens, for the programme's address: /programmes/your-words/",
            "summary": "One sentence for lists.", "prompts": "One a line.",
            "is_open": "Untick for invite only: people join only from an invitation.",
            "insights_public": "Its figures, never a name: anything based on fewer than five people is hidden.",
            "experiment": "At each draw, half the members, chosen at random, are matched at random as usual, and "
                          "half with the people they have most in common with (role, things to talk about). The "
                          "insights compare how much each half's thinking was challenged. Members are told.",
            "week_of_month": "Monthly programmes only.", "draw_time": "24-hour clock, like 09:00.",
            "time_zone": "Like Europe/London.", "group_size": "2 for pairs; up to 5.",
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 4}), "rules_text": forms.Textarea(attrs={"rows": 3}),
                   "prompts": forms.Textarea(attrs={"rows": 4}),
                   "draw_time": forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input--width-5"})}
        error_messages = {
            "name": {"required": "Enter the programme's name"},
            "slug": {"required": "Enter the web address", "unique": "Another programme has this web address",
                     "invalid": "Use only letters, numbers and hyphens in the web address"},
            "summary": {"required": "Enter a one-sentence summary"},
            "draw_time": {"required": "Enter the draw time", "invalid": "Enter the draw time like 09:00"},
            "window_days": {"required": "Enter how many days people have to meet",
                            "invalid": "Enter the days to meet as a number"},
            "notice_days": {"required": "Enter the days of notice", "invalid": "Enter the days of notice as a number"},
            "checkin_days": {"required": "Enter the days to check in", "invalid": "Enter the days to check in as a number"},
            "group_size": {"required": "Enter how many people per group", "invalid": "Enter the group size as a number"},
        }

    def clean(self):
        cleaned = super().clean()
        for name in ("description", "rules_text", "prompts"):  # a browser sends CRLF: store what it means
            if isinstance(cleaned.get(name), str):
                cleaned[name] = cleaned[name].replace("\r\n", "\n").replace("\r", "\n")
        for name, most in (("notice_days", 30), ("checkin_days", 60)):
            if cleaned.get(name) is not None and cleaned[name] > most:
                self.add_error(name, f"{self._meta.labels[name]} must be {most} or fewer")
        return cleaned


class ReportNoteForm(forms.Form):
    note = PlainTextField(label="What you did (optional, for the organisers only)", required=False, max_length=2000,
                          multiline=True, widget=forms.Textarea(attrs={"rows": 3}),
                          error_messages={"max_length": "The note must be 2000 characters or fewer",
                                          "hidden": "The note must not include hidden characters"})


class InviteForm(forms.Form):
    """Addresses pasted from anywhere: one a line, or separated by commas, semicolons or spaces."""

    addresses = forms.CharField(label="Email addresses", widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
                                help_text="One a line, or separated by commas. At most 500 at a time.",
                                error_messages={"required": "Enter at least one email address"})

    def clean_addresses(self):
        words = [w.strip().strip("<>").lower() for w in re.split(r"[\s,;]+", self.cleaned_data["addresses"]) if w.strip()]
        if len(words) > 500:
            raise forms.ValidationError("Enter 500 addresses or fewer at a time")
        bad = []
        for word in words:
            try:
                validate_email(word)
                if len(word) > 254:
                    raise forms.ValidationError("too long")
            except forms.ValidationError:
                bad.append(word if len(word) <= 60 else word[:57] + "…")
        if bad:
            raise forms.ValidationError(f"These are not email addresses: {', '.join(bad[:10])}"
                                        f"{' and more' if len(bad) > 10 else ''}. Nobody was invited.")
        return list(dict.fromkeys(words))


class RoundCancelForm(forms.Form):
    reason = PlainTextField(
        label="Why are you cancelling it?", max_length=1000, multiline=True, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Emailed to the members who were told of this round, and kept in the audit log.",
        error_messages={"required": "Say why you are cancelling the round",
                        "max_length": "The reason must be 1000 characters or fewer",
                        "hidden": "The reason must not include hidden characters"})


class LatecomersForm(forms.Form):
    """Which of the members who joined after the draw to draw among themselves (all, unless unticked)."""

    members = forms.TypedMultipleChoiceField(
        label="Who to draw", coerce=int, widget=forms.CheckboxSelectMultiple,
        help_text="They are grouped as the draw would group them: no blocks, repeats avoided, your organisation "
                  "rule. Each is emailed their match.",
        error_messages={"required": "Choose at least two latecomers to draw",
                        "invalid_choice": "Someone you chose is no longer waiting for a group: look at the list again"})

    def __init__(self, *args, latecomers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = [(m.pk, f"{m.person.full_name} ({m.organisation})") for m in latecomers]
        self.fields["members"].initial = [m.pk for m in latecomers]

    def clean_members(self):
        chosen = self.cleaned_data["members"]
        if len(chosen) < 2:
            raise forms.ValidationError("Choose at least two latecomers to draw. To put one person in a group "
                                        "that exists, use “Add to a group”.")
        return chosen


class MemberMoveForm(forms.Form):
    group = forms.TypedChoiceField(
        label="Which group should they join?", coerce=int, widget=forms.RadioSelect,
        error_messages={"required": "Choose the group they should join",
                        "invalid_choice": "Choose a group from the list"})
    reason = PlainTextField(
        label="Why (they are told)", max_length=500, multiline=True, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Emailed to the member you move, with their new group. The group they join is told only that "
                  "they have joined; the group they leave, only that they have moved.",
        error_messages={"required": "Say why: the member you move is told",
                        "max_length": "The reason must be 500 characters or fewer",
                        "hidden": "The reason must not include hidden characters"})

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [(g.pk, g.label) for g in groups]


class NetworkFilterForm(forms.Form):
    """Which round the network map shows (GET); a round that is not drawn is an error, not ignored."""

    round = forms.TypedChoiceField(label="Round", required=False, coerce=int, empty_value=None,
                                   error_messages={"invalid_choice": "Choose a round from the list"})

    def __init__(self, *args, rounds: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].choices = [("", "All rounds"), *((n, f"Round {n}") for n in rounds)]
