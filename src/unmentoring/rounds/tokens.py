"""Signed links that work without signing in: check-in, re-match, skip a round, unsubscribe, calendar."""

from __future__ import annotations

from datetime import timedelta

from django.core import signing

LIFETIMES = {
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


def make(kind: str, pk: int) -> str:
    return signing.dumps(pk, salt=f"unmentoring.{kind}")


def read(kind: str, token: str) -> int:
    try:
        value = signing.loads(token, salt=f"unmentoring.{kind}", max_age=LIFETIMES[kind])
    except signing.SignatureExpired:
        raise BadToken("This link has expired.") from None
    except signing.BadSignature:
        raise BadToken("This link is not valid.") from None
    if not isinstance(value, int):
        raise BadToken("This link is not valid.")
    return value
