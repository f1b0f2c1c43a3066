from django.contrib import admin

from unmentoring.core.admin import AuditedAdmin
from unmentoring.programmes.models import Membership, Programme


@admin.register(Programme)
class ProgrammeAdmin(AuditedAdmin):
    list_display = ["name", "slug", "is_open", "created_at"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["organisers"]


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ["person", "programme", "organisation", "status", "confirmed_at"]
    list_filter = ["programme", "status"]
    search_fields = ["person__full_name", "person__email", "organisation"]
    list_select_related = ["person", "programme"]
    raw_id_fields = ["person"]
