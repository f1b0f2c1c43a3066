from django.contrib import admin

from unmentoring.core.admin import AuditedAdmin

from unmentoring.outcomes.models import Block, CheckIn, Report


@admin.register(Report)
class ReportAdmin(AuditedAdmin):
    list_display = ["created_at", "reporter", "about", "resolved_at"]
    list_select_related = ["reporter", "about"]
    list_filter = ["resolved_at"]
    readonly_fields = ["seat", "reporter", "about", "what_happened", "created_at"]


@admin.register(Block)
class BlockAdmin(AuditedAdmin):
    list_display = ["blocker", "blocked", "created_at"]
    list_select_related = ["blocker", "blocked"]
    raw_id_fields = ["blocker", "blocked"]


@admin.register(CheckIn)
class CheckInAdmin(AuditedAdmin):
    list_display = ["seat", "met", "updated_at"]
    list_select_related = ["seat__group__round__programme"]
    list_filter = ["met"]
