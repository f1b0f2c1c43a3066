from django.contrib import admin

from unmentoring.accounts.models import Block, Person
from unmentoring.accounts.services import person_erase
from unmentoring.core.admin import AuditedAdmin


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    list_display = ["full_name", "email", "email_confirmed_at", "is_staff", "created_at"]
    search_fields = ["full_name", "email"]
    list_filter = ["is_staff", "is_active"]
    fields = ["full_name", "email", "is_active", "is_staff", "is_superuser", "email_confirmed_at", "created_at", "last_login"]
    readonly_fields = ["created_at", "last_login", "email_confirmed_at"]

    def get_readonly_fields(self, request, obj=None):
        """Privileges are changed by superusers only (the admin lets in no one else, but say so twice)."""
        if request.user.is_superuser:
            return self.readonly_fields
        return [*self.readonly_fields, "is_active", "is_staff", "is_superuser"]

    def delete_model(self, request, obj):
        """Deleting someone here is an erasure, as from their own account page."""
        self._audit(request, "erase", obj)
        person_erase(person=obj)

    def delete_queryset(self, request, queryset):
        for person in queryset:
            self.delete_model(request, person)


@admin.register(Block)
class BlockAdmin(AuditedAdmin):
    list_display = ["blocker", "blocked", "created_at"]
    list_select_related = ["blocker", "blocked"]
    raw_id_fields = ["blocker", "blocked"]
