from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("unmentoring.site.urls")),
    path("", include("unmentoring.accounts.urls")),
    path("", include("unmentoring.programmes.urls")),
    path("", include("unmentoring.notifications.urls")),
    path("", include("unmentoring.rounds.urls")),
    path("", include("unmentoring.outcomes.urls")),
    path("", include("unmentoring.console.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "unmentoring.core.views.bad_request"
handler403 = "unmentoring.core.views.permission_denied"
handler404 = "unmentoring.core.views.page_not_found"
handler500 = "unmentoring.core.views.server_error"
