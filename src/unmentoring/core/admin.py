"""The Django admin, for site administrators only, until the organisers' console replaces it.

- Only active superusers (who are staff) get in, and they sign in by emailed link like everyone else:
  the admin's password form is gone (``/admin/login/`` sends people to the sign-in page).
- Every change through it goes into our audit log.
- A model admin lists ``hidden_lookups``: fields no URL filter may touch (a round's seed before the draw).
"""

from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from unmentoring.core.models import AuditEvent
from unmentoring.core.services import audit_record


class SiteAdmin(admin.AdminSite):
    site_header = "Unmentoring administration"
    site_title = "Unmentoring admin"

    def has_permission(self, request):
        user = request.user
        return user.is_active and user.is_staff and user.is_superuser

    def login(self, request, extra_context=None):
        """No password form: sign in by emailed link, then come back here."""
        next_url = request.GET.get("next") or reverse("admin:index")
        if request.user.is_authenticated and not self.has_permission(request):
            raise Http404("The admin is for site administrators.")
        return redirect(f"{reverse('accounts:sign-in')}?{urlencode({'next': next_url})}")

    def password_change(self, request, extra_context=None):
        raise Http404("There are no passwords.")

    def password_change_done(self, request, extra_context=None):
        raise Http404("There are no passwords.")


class AuditedAdmin(admin.ModelAdmin):
    """Changes through the admin go into our audit log (docs/design.md §6)."""

    hidden_lookups: tuple[str, ...] = ()

    def lookup_allowed(self, lookup, value, request=None):
        if any(lookup == field or lookup.startswith(f"{field}__") for field in self.hidden_lookups):
            raise DisallowedModelAdminLookup(f"Filtering on {lookup} is not allowed")
        return super().lookup_allowed(lookup, value, request)

    def _audit(self, request, verb: str, obj) -> None:
        label = obj._meta.label_lower
        audit_record(actor=request.user, action=f"admin.{verb}", subject=f"{label}:{obj.pk}")

    def _audit_bulk(self, request, verb: str, subject: str) -> None:
        audit_record(actor=request.user, action=f"admin.{verb}", subject=subject)

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


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record to read, never to add to, change or delete through the admin (the audit log, the outbox)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "action", "subject", "actor"]
    list_select_related = ["actor"]
    list_filter = ["action"]
    readonly_fields = ["created_at", "action", "subject", "actor", "detail"]
