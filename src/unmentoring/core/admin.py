from django.contrib import admin

from unmentoring.core.models import AuditEvent
from unmentoring.core.services import audit_record


class AuditedAdmin(admin.ModelAdmin):
    """Organisers' changes through the admin go into our audit log (docs/design.md §6)."""

    def _audit(self, request, verb: str, obj) -> None:
        label = obj._meta.label_lower
        audit_record(actor=request.user, action=f"admin.{verb}", subject=f"{label}:{obj.pk}")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._audit(request, "change" if change else "add", obj)

    def delete_model(self, request, obj):
        self._audit(request, "delete", obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self._audit(request, "delete", obj)
        super().delete_queryset(request, queryset)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "subject", "actor"]
    list_select_related = ["actor"]
    list_filter = ["action"]
    readonly_fields = ["created_at", "action", "subject", "actor", "detail"]
