"""The one error a service raises when something cannot be done now.

Services check everything before they write and raise :class:`ApplicationError`
with a sentence a person can act on ("Round 4 has already been drawn."). Views
catch it and show the message the GOV.UK way (an error summary, a page, or a
flash message); tasks and commands log it. Nothing else is caught as "you
can't do that": a different exception is a bug.
"""

from __future__ import annotations


class ApplicationError(Exception):
    """Something a person asked for that cannot happen now, with a message for them."""

    def __init__(self, message: str, *, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.extra = extra or {}

    def __str__(self) -> str:
        return self.message
