from django.contrib import admin

from unmentoring.core.admin import AuditedAdmin

from unmentoring.accounts.models import Person


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    list_display = ["full_name", "email", "email_confirmed_at", "is_staff", "created_at"]
    search_fields = ["full_name", "email"]
    list_filter = ["is_staff", "is_active"]
    readonly_fields = ["created_at", "last_login", "email_confirmed_at"]
    exclude = ["password"]
