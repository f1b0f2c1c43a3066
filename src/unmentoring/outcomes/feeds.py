"""The learning feed as Atom, for feed readers and network aggregators (Django's syndication framework)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from unmentoring.programmes.selectors import programme_get
from unmentoring.rounds.enums import Publish
from unmentoring.rounds.selectors import learnings_published

FEED_ENTRIES = 50
# Characters XML 1.0 cannot carry: one learning that somehow holds one (the admin edits text freely)
# must not take the whole feed down.
_NOT_XML = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF])


def _xml_safe(text: str) -> str:
    return text.translate(_NOT_XML)


class LearningFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, slug):
        return programme_get(slug=slug)

    def title(self, programme):
        return f"What people learned: {programme.name}"

    def subtitle(self, programme):
        return f"Learnings members of {programme.name} chose to publish after their conversations."

    def link(self, programme):
        return reverse("outcomes:learning", kwargs={"slug": programme.slug})

    def feed_guid(self, programme):
        return f"tag:{urlsplit(settings.SITE_URL).hostname},2026:programme:{programme.pk}:learning"

    def items(self, programme):
        return learnings_published(programme=programme)[:FEED_ENTRIES]

    def item_title(self, checkin):
        text = " ".join(_xml_safe(checkin.learned).split())
        return f"Round {checkin.seat.group.round.number}: {text[:80]}{'…' if len(text) > 80 else ''}"

    def author_name(self, programme):
        # Atom wants an author for every entry: the programme speaks for anonymous ones.
        return programme.name

    def item_description(self, checkin):
        # Atom's summary is typed html: what a member wrote is text, so it is escaped, never markup.
        text = linebreaksbr(_xml_safe(checkin.learned))  # escapes, then turns line breaks into <br>
        if checkin.shared_url:
            text += f'<br><a href="{escape(checkin.shared_url)}" rel="nofollow ugc">What they shared</a>'
        return text

    def item_link(self, checkin):
        return reverse("outcomes:learning-entry", kwargs={"slug": checkin.seat.group.round.programme.slug,
                                                          "pk": checkin.pk})

    def item_guid(self, checkin):
        # Stable whatever is edited: the entry is the check-in.
        return f"tag:{urlsplit(settings.SITE_URL).hostname},2026:checkin:{checkin.pk}"

    item_guid_is_permalink = False

    def item_author_name(self, checkin):
        if checkin.publish == Publish.NAMED:
            membership = checkin.seat.membership
            return f"{membership.person.full_name}, {membership.organisation}"
        return None

    def item_pubdate(self, checkin):
        return checkin.created_at

    def item_updateddate(self, checkin):
        return checkin.updated_at
