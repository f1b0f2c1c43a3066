from django.contrib import admin

from unmentoring.accounts.models import Block, Person
from unmentoring.core.admin import AuditedAdmin


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    list_display = ["full_name", "email", "email_confirmed_at", "is_staff", "created_at"]
    search_fields = ["full_name", "email"]
    list_filter = ["is_staff", "is_active"]
    readonly_fields = ["created_at", "last_login", "email_confirmed_at"]
    exclude = ["password"]


@admin.register(Block)
class BlockAdmin(AuditedAdmin):
    list_display = ["blocker", "blocked", "created_at"]
    list_select_related = ["blocker", "blocked"]
    raw_id_fields = ["blocker", "blocked"]
