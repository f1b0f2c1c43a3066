"""The short post a member may share after checking in, and links to share it on the networks public
servants use. Plain links: no third-party script and no tracking on our pages."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from unmentoring.core.links import absolute_url
from unmentoring.rounds.models import CheckIn

POST_LIMIT = 280  # the shortest of the networks' limits (X); Bluesky allows 300


@dataclass(frozen=True)
class SharePost:
    text: str
    links: list[tuple[str, str]]  # (network, URL that opens its composer with the text)


def share_post(checkin: CheckIn) -> SharePost | None:
    """The learning, the programme's hashtag and its learning feed's address, within POST_LIMIT characters."""
    if not checkin.learned:
        return None
    programme = checkin.seat.group.round.programme
    # A published learning's own page; otherwise the programme's feed.
    feed = (absolute_url("outcomes:learning-entry", kwargs={"slug": programme.slug, "pk": checkin.pk})
            if checkin.is_published else absolute_url("outcomes:learning", kwargs={"slug": programme.slug}))
    tail = " ".join(part for part in (programme.hashtag, feed) if part)
    room = max(POST_LIMIT - len(tail) - 1, 40)  # a very long site address makes a longer post, never an empty one
    learned = " ".join(checkin.learned.split())
    if len(learned) > room:
        learned = learned[: room - 1].rstrip() + "…"
    text = f"{learned} {tail}"
    return SharePost(text=text, links=[
        ("Mastodon", "https://mastodon.social/share?" + urlencode({"text": text})),
        ("Bluesky", "https://bsky.app/intent/compose?" + urlencode({"text": text})),
        ("LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": feed})),
        ("X", "https://x.com/intent/post?" + urlencode({"text": text})),
    ])
