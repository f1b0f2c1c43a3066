
from django import forms

from unmentoring.core.forms import GovukRadioSelect, PlainTextField
from unmentoring.rounds.enums import Challenge, Met, Minutes, NotMetReason, Publish
from unmentoring.rounds.services.checkins import link_problem

# The check-in's fields and values are a public contract (README "The check-in"): one-click starts in the
# check-in email pre-fill ``met``, and other tools may post the form.
YES_FIELDS = ["minutes", "challenge", "learned", "shared_url", "publish"]
# What each field is when it was not answered (the option it belongs to was not chosen).
CHECKIN_DEFAULTS = {"met": "", "not_met_reason": "", "not_met_detail": "", "minutes": None, "challenge": None,
                    "learned": "", "shared_url": "", "publish": Publish.PRIVATE}
NO_FIELDS = ["not_met_reason", "not_met_detail"]
ANONYMOUS_LINK = "A link to your own post can show who you are: remove it, or publish with your name"


def _radios(label, choices, *, required_message, help_text="", coerce=None, **kwargs):
    field_class = forms.TypedChoiceField if coerce else forms.ChoiceField
    extra = {"coerce": coerce, "empty_value": None} if coerce else {}
    return field_class(label=label, choices=choices, help_text=help_text, widget=GovukRadioSelect,
                       error_messages={"required": required_message, "invalid_choice": required_message}, **extra, **kwargs)


class CheckInForm(forms.Form):
    met = _radios("Did you meet?", Met.choices, required_message="Select whether you met")
    not_met_reason = _radios("What got in the way?", NotMetReason.choices, required=False,
                             required_message="Select what got in the way")
    not_met_detail = PlainTextField(
        label="Tell us more", required=False, max_length=200, help_text='Needed if you chose "Something else".',
        error_messages={"max_length": "What got in the way must be 200 characters or fewer",
                        "hidden": "What got in the way must not include line breaks or hidden characters",
                        "invisible": "Tell us what got in the way"})
    minutes = _radios("About how long did you talk?", Minutes.choices, coerce=int, required=False,
                      required_message="Select about how long you talked")
    challenge = _radios("Did the conversation challenge or change your thinking?", Challenge.choices, coerce=int,
                        required=False, required_message="Select how much the conversation challenged your thinking")
    learned = PlainTextField(
        label="What did you learn, or what will you do differently?", required=False, max_length=1000,
        multiline=True, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Needed if you want it published (the next question). A sentence or two is plenty; 1000 "
                  "characters at most.",
        error_messages={"max_length": "What you learned must be 1000 characters or fewer",
                        "hidden": "What you learned must not include hidden characters",
                        "invisible": "What you learned must include letters or numbers"},
    )
    shared_url = forms.URLField(
        label="Link to what you shared (optional)", required=False, max_length=500, assume_scheme="https",
        help_text="A post, a blog or a thread about it, if you wrote one. For example https://example.org/my-post",
        widget=forms.URLInput(attrs={"spellcheck": "false", "autocomplete": "url"}),
        error_messages={"invalid": "Enter a link that starts with https:// or http://",
                        "max_length": "The link must be 500 characters or fewer"},
    )
    publish = _radios(
        "May we share what you learned?", Publish.choices, required=False, initial=Publish.PRIVATE,
        required_message="Select whether we may share what you learned",
        help_text="Published learnings appear on the programme's learning feed (a web page and a feed others can "
                  "follow), on the round's round-up and in the round-up email to its members. Named: with your "
                  "name and organisation. Without my name: nothing that identifies you (so no link either). Private: only you and the "
                  "organisers see it. You can change this until the round closes, and stop publishing at any time.",
    )

    page_heading_field = "met"
    conditionals = {"met": {Met.YES: YES_FIELDS, Met.NO: NO_FIELDS}}
    fieldsets = []
    # A round's members open it together when its email goes out: kept blank or with a one-click start
    # (?met=yes), never with someone's saved answers (core.forms).
    keep_rendered = ("met",)
    # Once a member has answered, the form carries their words and is made afresh, but these questions'
    # markup depends only on the option chosen: each is made once per option and kept.
    keep_fields = ("not_met_reason", "minutes", "challenge", "publish")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, reveals in self.conditionals.items():
            self.fields[name].widget.reveals = {str(value) for value in reveals}

    def clean_shared_url(self):
        url = self.cleaned_data["shared_url"]
        if url and (problem := link_problem(url)):
            raise forms.ValidationError(problem)
        return url

    def clean(self):
        cleaned = super().clean()
        met = cleaned.get("met")
        # Answers to the questions of the options not chosen are dropped, not kept half-true.
        chosen = set(self.conditionals["met"].get(met, []))
        for name in [*YES_FIELDS, *NO_FIELDS]:
            if name in chosen:
                continue
            cleaned[name] = CHECKIN_DEFAULTS[name]
            self.errors.pop(name, None)
        if met == Met.YES:
            if cleaned.get("challenge") is None and "challenge" not in self.errors:
                self.add_error("challenge", "Select how much the conversation challenged your thinking")
            if not cleaned.get("publish"):
                cleaned["publish"] = Publish.PRIVATE
            if cleaned.get("publish") != Publish.PRIVATE and not cleaned.get("learned") and "learned" not in self.errors:
                self.add_error("learned", "Write what you learned, or choose to keep it private")
            if cleaned.get("publish") == Publish.ANONYMOUS and cleaned.get("shared_url"):
                self.add_error("shared_url", ANONYMOUS_LINK)
        if met == Met.NO:
            if not cleaned.get("not_met_reason") and "not_met_reason" not in self.errors:
                self.add_error("not_met_reason", "Select what got in the way")
            elif (cleaned.get("not_met_reason") == NotMetReason.OTHER and not cleaned.get("not_met_detail")
                  and "not_met_detail" not in self.errors):
                self.add_error("not_met_detail", "Tell us what got in the way")
        return cleaned
