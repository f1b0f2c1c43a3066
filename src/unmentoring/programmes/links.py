"""The signed links a membership's emails carry, and the context every programme email shares."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

from unmentoring.core.links import absolute_url
from unmentoring.core.signing import SignedLink

SIGN_UP = SignedLink("signup", max_age=timedelta(days=settings.SIGN_UP_CONFIRM_DAYS))
RESUME = SignedLink("resume", max_age=timedelta(days=400))
# RFC 8058: an unsubscribe link keeps working; so does the round-up email's "no more of these".
UNSUBSCRIBE = SignedLink("unsubscribe", max_age=None)
DIGESTS_OFF = SignedLink("digests-off", max_age=None)
INVITE = SignedLink("invite", max_age=timedelta(days=30))


def unsubscribe_link(membership_id: int) -> str:
    return absolute_url("programmes:unsubscribe", kwargs={"token": UNSUBSCRIBE.make(membership_id)})


def resume_link(membership_id: int) -> str:
    return absolute_url("programmes:resume", kwargs={"token": RESUME.make(membership_id)})


def digests_off_link(membership_id: int) -> str:
    return absolute_url("programmes:digests-off", kwargs={"token": DIGESTS_OFF.make(membership_id)})


def membership_email_context(membership) -> dict:
    """What every email about a programme carries: its name, the one-click unsubscribe link, the account page.

    The outbox turns ``unsubscribe_link`` into List-Unsubscribe headers.
    """
    return {
        "programme_name": membership.programme.name,
        "unsubscribe_link": unsubscribe_link(membership.pk),
        "account_link": absolute_url("site:account"),
    }
