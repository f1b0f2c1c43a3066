"""Signed links that work without signing in (confirm a sign-up, check in, skip a round…).

Each app defines the links it owns, next to the views that read them::

    CHECKIN = SignedLink("checkin", max_age=timedelta(days=60))
    token = CHECKIN.make(seat.pk)
    seat_id = CHECKIN.read(token)          # raises BadLink

A link carries one id, or a pair of ids (``shape="pair"``), signed with the
project's SECRET_KEY and a salt made from its kind, so a token made for one
kind of link is refused by every other. Kinds are unique across the project:
defining one twice is an error at import time.
"""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar, Literal

from django.core import signing

from unmentoring.core.errors import ApplicationError


class BadLink(ApplicationError):
    """The link was tampered with, is for something else, or has expired."""


class SignedLink:
    _defined: ClassVar[dict[str, SignedLink]] = {}

    def __init__(self, kind: str, *, max_age: timedelta | None, shape: Literal["id", "pair"] = "id"):
        if kind in SignedLink._defined:
            raise ValueError(f"A signed link of kind {kind!r} is defined twice")
        SignedLink._defined[kind] = self
        self.kind, self.max_age, self.shape = kind, max_age, shape
        # The salt must never change: links already emailed would stop working.
        self.salt = f"unmentoring.{kind}"

    @classmethod
    def defined(cls) -> list[SignedLink]:
        """Every kind of link the project has (the apps' modules that define them must be imported)."""
        return list(cls._defined.values())

    def __repr__(self) -> str:
        return f"SignedLink({self.kind!r})"

    def make(self, value: int | tuple[int, int]) -> str:
        return signing.dumps(value, salt=self.salt)  # a pair is stored as a JSON list

    def read(self, token: str):
        """The id (or pair of ids) this token was made for; raises :class:`BadLink`."""
        try:
            value = signing.loads(token, salt=self.salt, max_age=self.max_age)
        except signing.SignatureExpired:
            raise BadLink("This link has expired.") from None
        except signing.BadSignature:
            raise BadLink("This link is not valid.") from None
        if self.shape == "pair":
            if isinstance(value, list) and len(value) == 2 and all(type(v) is int for v in value):
                return value[0], value[1]
        elif type(value) is int:
            return value
        raise BadLink("This link is not valid.")

    def read_or_none(self, token: str):
        try:
            return self.read(token)
        except BadLink:
            return None
