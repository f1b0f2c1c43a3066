from __future__ import annotations

from django.shortcuts import get_object_or_404

from unmentoring.programmes.models import Membership, Programme


def programmes_listed():
    return Programme.objects.filter(is_open=True).order_by("name")


def programme_get(*, slug: str) -> Programme:
    return get_object_or_404(Programme, slug=slug)


def memberships_of(*, person) -> list[Membership]:
    return list(
        Membership.objects.confirmed().filter(person=person).select_related("programme").order_by("programme__name")
    )


def membership_of(*, person, slug: str) -> Membership:
    return get_object_or_404(
        Membership.objects.confirmed().select_related("programme"), person=person, programme__slug=slug
    )


def memberships_for_export(*, person) -> list[dict]:
    def when(value):
        return value.isoformat() if value else None

    return [
        {
            "programme": m.programme.name,
            "organisation": m.organisation,
            "role": m.role,
            "phone": m.phone,
            "video_kind": m.video_kind,
            "video_handle": m.video_handle,
            "happy_to_talk_about": m.happy_to_talk_about,
            "rhythm": m.rhythm,
            "text_reminders_agreed_at": when(m.sms_agreed_at),
            "pause_reason": m.pause_reason,
            "status": m.status,
            "paused_until": when(m.paused_until),
            "rules_agreed_at": when(m.rules_agreed_at),
            "sharing_agreed_at": when(m.sharing_agreed_at),
            "confirmed_at": when(m.confirmed_at),
            "left_at": when(m.left_at),
            "joined_at": when(m.created_at),
        }
        for m in Membership.objects.filter(person=person).select_related("programme").order_by("pk")
    ]
