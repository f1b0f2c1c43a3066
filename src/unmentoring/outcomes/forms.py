from django import forms

from unmentoring.core.forms import PlainTextField


class ReportForm(forms.Form):
    about = forms.TypedChoiceField(
        label="Who is this about?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who this is about", "invalid_choice": "Select who this is about"},
    )
    what_happened = PlainTextField(
        multiline=True,
        label="What happened?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Only the programme's organisers will read this. 2000 characters at most.",
        error_messages={"required": "Enter what happened", "max_length": "What happened must be 2000 characters or fewer"},
    )
    block = forms.BooleanField(label="Never match me with this person again", required=False)

    def __init__(self, *args, others, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["about"].choices = [(o.pk, o.membership.person.full_name) for o in others]
