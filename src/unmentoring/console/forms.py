from django import forms

from unmentoring.accounts.forms import EmailAddressField
from unmentoring.core.forms import PlainTextField


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
