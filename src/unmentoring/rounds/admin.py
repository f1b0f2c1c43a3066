from django.contrib import admin

from unmentoring.rounds.models import Group, GroupMember, Round


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["programme", "number", "state", "draw_at", "window_ends_at", "close_at"]
    list_filter = ["programme", "state"]
    readonly_fields = ["seed", "seed_sha256", "notice_sent_at", "drawn_at", "nudge_sent_at", "checkin_sent_at", "closed_at", "state"]


class SeatInline(admin.TabularInline):
    model = GroupMember
    raw_id_fields = ["membership"]
    extra = 0


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["round", "number", "explanation", "is_rematch"]
    list_filter = ["round__programme"]
    list_select_related = ["round__programme"]
    inlines = [SeatInline]
