from django.urls import path

from unmentoring.programmes import views

app_name = "programmes"
urlpatterns = [
    path("programmes/<slug:slug>/join/", views.join, name="join"),
    path("programmes/<slug:slug>/join/check-your-email/", views.check_email, name="check-email"),
    path("join/confirm/<str:token>/", views.confirm, name="confirm"),
    path("r/invitation/<str:token>/", views.invitation, name="invitation"),
    path("account/programmes/<slug:slug>/details/", views.membership_details, name="membership-details"),
    path("account/programmes/<slug:slug>/pause/", views.membership_pause, name="membership-pause"),
    path("account/programmes/<slug:slug>/resume/", views.membership_resume, name="membership-resume"),
    path("account/programmes/<slug:slug>/leave/", views.membership_leave, name="membership-leave"),
    path("account/programmes/<slug:slug>/round-up-emails/", views.membership_digests, name="membership-digests"),
    # Emailed one-click links (their paths are in emails already sent: keep them).
    path("r/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("r/resume/<str:token>/", views.resume, name="resume"),
    path("r/no-round-ups/<str:token>/", views.digests_off, name="digests-off"),
]
