from django import forms

from unmentoring.accounts.services import normalise_email
from unmentoring.core.forms import PlainTextField


class EmailAddressField(forms.EmailField):
    """An email address as we store it: trimmed and lower-cased, and still within 254 characters after that
    (lower-casing can lengthen text: "İ" becomes "i" and a combining dot)."""

    def clean(self, value):
        address = super().clean(value)
        if address:
            address = normalise_email(address)
            if len(address) > 254:
                raise forms.ValidationError(self.error_messages["max_length"], code="max_length")
        return address


def email_field(*, help_text: str) -> forms.EmailField:
    return EmailAddressField(
        label="Email address",
        max_length=254,
        help_text=help_text,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
            "max_length": "Email address must be 254 characters or fewer",
        },
    )


class SignInForm(forms.Form):
    email = email_field(help_text="We will email you a link to sign in. It works once, for 15 minutes.")


class PersonDetailsForm(forms.Form):
    full_name = PlainTextField(
        label="Full name",
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": "Enter your full name", "max_length": "Full name must be 120 characters or fewer"},
    )


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label="I understand that my account and contact details will be deleted and this cannot be undone",
        error_messages={"required": "Select to confirm you want to delete your account"},
    )
