from django import forms

from unmentoring.rounds.enums import Met


class CheckInForm(forms.Form):
    met = forms.ChoiceField(
        label="Did you meet?",
        choices=Met.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you met", "invalid_choice": "Select whether you met"},
    )
    page_heading_field = "met"
