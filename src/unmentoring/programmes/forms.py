from __future__ import annotations

from datetime import date, timedelta

import phonenumbers
from django import forms
from django.conf import settings
from django.utils import timezone

from unmentoring.accounts.forms import email_field
from unmentoring.core.forms import GovukDateField, PlainTextField
from unmentoring.programmes.enums import Rhythm, VideoKind

PHONE_EXAMPLES = ("0161 496 0000", "07911 123456", "+44 808 157 0192")
PHONE_EXAMPLE = f"like {PHONE_EXAMPLES[0]}, {PHONE_EXAMPLES[1]} or {PHONE_EXAMPLES[2]}"


class PhoneNumberField(forms.CharField):
    """A phone number, UK by default, international accepted; cleaned to E.164."""

    default_error_messages = {
        "required": "Enter a phone number",
        "invalid": f"Enter a phone number, {PHONE_EXAMPLE}",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "tel", "type": "tel", "class": "govuk-input--width-20"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        try:
            number = phonenumbers.parse(value, "GB")
        except phonenumbers.NumberParseException:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not phonenumbers.is_valid_number(number):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _text(label: str, max_length: int, *, required_message: str, required: bool = True, help_text: str = "", autocomplete: str = "", width: str = "") -> PlainTextField:
    attrs = {"autocomplete": autocomplete} if autocomplete else {}
    if width:
        attrs["class"] = f"govuk-input--width-{width}"
    return PlainTextField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        widget=forms.TextInput(attrs=attrs),
        error_messages={
            "required": required_message,
            "max_length": f"{label} must be {max_length} characters or fewer",
        },
    )


class MembershipDetailsForm(forms.Form):
    """What a member shares with their matches: organisation, role and how to reach them."""

    organisation = _text("Organisation", 120, required_message="Enter your organisation", autocomplete="organization")
    role = _text("Job role", 120, required_message="Enter your job role", autocomplete="organization-title")
    phone = PhoneNumberField(label="Phone number", help_text="Your matches will see this. For international numbers include the country code.")
    video_kind = forms.ChoiceField(
        label="Video calls (optional)",
        required=False,
        choices=[("", "No preference"), *VideoKind.choices],
        help_text="The service you are happy to be called on.",
    )
    video_handle = _text(
        "Video-call address or username (optional)",
        200,
        required=False,
        required_message="",
        help_text="For example a meeting link, Teams address or Skype name.",
    )
    happy_to_talk_about = PlainTextField(
        multiline=True,
        label="Happy to talk about (optional)",
        required=False,
        max_length=200,
        help_text="A line your matches will see, for example “user research, running a small team”. 200 characters at most.",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "Happy to talk about must be 200 characters or fewer"},
    )

    rhythm = forms.ChoiceField(
        label="How often would you like to be matched?",
        choices=Rhythm.choices,
        initial=Rhythm.EVERY_ROUND,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how often you would like to be matched",
                        "invalid_choice": "Select how often you would like to be matched"},
    )

    text_reminders = forms.BooleanField(
        label="Text me a reminder if I have not met my match halfway through a round (optional)",
        required=False,
        help_text="Only to a UK or international mobile number. You can turn this off at any time.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not settings.NOTIFY_API_KEY:  # text messages go through GOV.UK Notify only
            del self.fields["text_reminders"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("text_reminders") and cleaned.get("phone"):
            number = phonenumbers.parse(cleaned["phone"])
            if phonenumbers.number_type(number) not in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
                self.add_error("text_reminders", "To get text reminders, enter a mobile number")
        if cleaned.get("video_handle") and not cleaned.get("video_kind"):
            self.add_error("video_kind", "Select the video-call service your address is for")
        if cleaned.get("video_kind") and not cleaned.get("video_handle") and "video_handle" not in self.errors:
            self.add_error("video_handle", "Enter your video-call address or username, or choose “No preference”")
        return cleaned


class SignUpForm(MembershipDetailsForm):
    full_name = _text("Full name", 120, required_message="Enter your full name", autocomplete="name")
    email = email_field(help_text="We will send a link to confirm it. You sign in with links sent here, never a password.")
    agree_rules = forms.BooleanField(
        label="I agree to the programme rules",
        error_messages={"required": "Select to agree to the programme rules"},
    )
    agree_sharing = forms.BooleanField(
        label="I agree to share my name, organisation, role and contact details with the people I am matched with",
        error_messages={"required": "Select to agree to share your contact details with your matches"},
    )

    fieldsets = [
        ("About you", ["full_name", "email", "organisation", "role"]),
        ("How your matches can reach you", ["phone", "video_kind", "video_handle", "happy_to_talk_about"]),
        ("How often", ["rhythm", "text_reminders"]),
        ("Before you join", ["agree_rules", "agree_sharing"]),
    ]
    field_order = [
        "full_name", "email", "organisation", "role", "phone", "video_kind", "video_handle",
        "happy_to_talk_about", "rhythm", "text_reminders", "agree_rules", "agree_sharing",
    ]


class PauseForm(forms.Form):
    MAX_PAUSE = timedelta(days=366)

    paused_until = GovukDateField(
        label="Pause until",
        help_text="You will not be matched until this date. For example, 27 3 2027",
    )

    def clean_paused_until(self) -> date:
        value = self.cleaned_data["paused_until"]
        today = timezone.localdate()
        if value <= today:
            raise forms.ValidationError("Pause until must be in the future")
        if value > today + self.MAX_PAUSE:
            raise forms.ValidationError("Pause until must be within a year from today")
        return value


class InvitationForm(SignUpForm):
    """Joining from an invitation: the address is the one invited (the link proves it), the rest as sign-up."""

    fieldsets = [
        ("About you", ["full_name", "organisation", "role"]),
        ("How your matches can reach you", ["phone", "video_kind", "video_handle", "happy_to_talk_about"]),
        ("How often", ["rhythm", "text_reminders"]),
        ("Before you join", ["agree_rules", "agree_sharing"]),
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["email"]
