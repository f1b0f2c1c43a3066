from django.contrib import admin

from unmentoring.notifications.models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["subject", "to_email", "template", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "template"]
    search_fields = ["to_email", "subject"]
    readonly_fields = [f.name for f in Message._meta.fields]
