"""Signed links that work without signing in: confirm a sign-up, check in, re-match, skip a round, unsubscribe, calendar."""

from __future__ import annotations

from datetime import timedelta

from django.core import signing

LIFETIMES = {
    "signup": timedelta(days=7),  # settings.SIGN_UP_CONFIRM_DAYS
    "checkin": timedelta(days=60),
    "rematch": timedelta(days=60),
    "skip": timedelta(days=30),
    "report": timedelta(days=180),
    "calendar": timedelta(days=120),
    "resume": timedelta(days=400),
    "unsubscribe": None,  # RFC 8058: an unsubscribe link keeps working
}


class BadToken(Exception):
    pass


def make(kind: str, pk: int | list[int]) -> str:
    return signing.dumps(pk, salt=f"unmentoring.{kind}")


def read_pair(kind: str, token: str) -> tuple[int, int]:
    value = _load(kind, token)
    if not (isinstance(value, list) and len(value) == 2 and all(type(v) is int for v in value)):
        raise BadToken("This link is not valid.")
    return value[0], value[1]


def read(kind: str, token: str) -> int:
    value = _load(kind, token)
    if type(value) is not int:
        raise BadToken("This link is not valid.")
    return value


def _load(kind: str, token: str):
    try:
        value = signing.loads(token, salt=f"unmentoring.{kind}", max_age=LIFETIMES[kind])
    except signing.SignatureExpired:
        raise BadToken("This link has expired.") from None
    except signing.BadSignature:
        raise BadToken("This link is not valid.") from None
    return value
