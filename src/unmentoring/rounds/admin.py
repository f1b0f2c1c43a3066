import re

from django.contrib import admin

from unmentoring.core.admin import AuditedAdmin
from unmentoring.programmes.models import Membership
from unmentoring.rounds.models import CheckIn, Group, Round, Seat


@admin.register(Round)
class RoundAdmin(AuditedAdmin):
    list_display = ["programme", "number", "state", "draw_at", "window_ends_at", "close_at"]
    list_filter = ["programme", "state"]
    list_select_related = ["programme"]
    # The seed itself stays hidden until the draw, even from organisers: it could be used to rehearse the draw.
    # No URL filter may touch it either (?seed__startswith=… would give it away a digit at a time).
    exclude = ["seed"]
    hidden_lookups = ("seed",)
    readonly_fields = ["revealed_seed", "seed_sha256", "notice_sent_at", "drawn_at", "nudge_sent_at", "checkin_sent_at",
                       "closed_at", "cancelled_at", "state", "draw_note", "problem"]

    def get_readonly_fields(self, request, obj=None):
        # A drawn or closed round's dates are history: members were told them.
        dates = ["notice_at", "draw_at", "nudge_at", "window_ends_at", "close_at"]
        return [*self.readonly_fields, *(dates if obj is not None and obj.state != "scheduled" else [])]

    def has_delete_permission(self, request, obj=None):
        return False  # a round, with its groups and check-ins, is never deleted

    @admin.display(description="Seed")
    def revealed_seed(self, obj):
        if obj.state == "cancelled":
            return "Never used: the round was cancelled"
        return obj.seed if obj.seed_revealed else "Shown after the draw"

    @admin.display(description="Why the draw failed")
    def problem(self, obj):
        """The stored problem names memberships by id; show who they are."""
        ids = [int(found) for found in re.findall(r"membership (\d+)", obj.draw_problem)]
        names = {m.pk: f"{m.person.full_name} ({m.organisation})" for m in Membership.objects.filter(pk__in=ids).select_related("person")}
        return re.sub(r"membership (\d+)", lambda found: names.get(int(found.group(1)), "a deleted member"), obj.draw_problem) or "-"


class SeatInline(admin.TabularInline):
    model = Seat
    raw_id_fields = ["membership"]
    extra = 0


@admin.register(Group)
class GroupAdmin(AuditedAdmin):
    list_display = ["round", "number", "explanation", "is_rematch"]
    list_filter = ["round__programme"]
    list_select_related = ["round__programme"]
    inlines = [SeatInline]
    hidden_lookups = ("round__seed",)
    # Groups are numbered in turn by the draw, new matches and the console; the round page counts them by
    # their highest number (rounds.selectors.round_get).
    readonly_fields = ["round", "number"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # groups are the programme's history


@admin.register(CheckIn)
class CheckInAdmin(AuditedAdmin):
    list_display = ["seat", "met", "challenge", "publish", "hidden_at", "updated_at"]
    list_select_related = ["seat__group__round__programme"]
    list_filter = ["met", "publish"]
    hidden_lookups = ("seat__group__round__seed",)
