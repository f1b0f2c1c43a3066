from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "unmentoring.core"
    label = "core"

    def ready(self):
        # Each app's periodic jobs, personal-data handlers and signal receivers register themselves
        # (core names no app).
        autodiscover_modules("jobs", "personal_data", "receivers")
        from unmentoring.core import lookups  # noqa: F401, PLC0415  (registers field__among once the models are loaded)


class UnmentoringAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with our site: superusers only, no password form (core/admin.py)."""

    default = False  # CoreConfig is this module's config for the core app
    default_site = "unmentoring.core.admin.SiteAdmin"
