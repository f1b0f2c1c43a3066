from django.contrib import admin

from unmentoring.core.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "subject", "actor"]
    list_filter = ["action"]
    readonly_fields = ["created_at", "action", "subject", "actor", "detail"]
