from django.contrib import admin

from unmentoring.core.admin import AuditedAdmin
from unmentoring.outcomes.models import Report


@admin.register(Report)
class ReportAdmin(AuditedAdmin):
    list_display = ["created_at", "reporter", "about", "blocked", "resolved_at"]
    list_select_related = ["reporter", "about"]
    list_filter = ["resolved_at", "blocked"]
    readonly_fields = ["seat", "reporter", "about", "what_happened", "blocked", "created_at"]
