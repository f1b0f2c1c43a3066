from django.contrib import admin

from unmentoring.outcomes.models import Block, CheckIn, Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "reporter", "about", "resolved_at"]
    list_filter = ["resolved_at"]
    readonly_fields = ["seat", "reporter", "about", "what_happened", "created_at"]


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    list_display = ["blocker", "blocked", "created_at"]
    raw_id_fields = ["blocker", "blocked"]


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ["seat", "met", "updated_at"]
    list_filter = ["met"]
