from django.urls import path

from unmentoring.rounds import views

app_name = "rounds"
urlpatterns = [
    path("programmes/<slug:slug>/rounds/<int:number>/", views.detail, name="detail"),
    path("programmes/<slug:slug>/rounds/<int:number>/rematch/", views.rematch_signed_in, name="rematch-signed-in"),
    path("programmes/<slug:slug>/rounds/<int:number>/unpublish/", views.unpublish_signed_in, name="unpublish-signed-in"),
    path("r/check-in/<str:token>/", views.checkin, name="checkin"),
    path("r/new-match/<str:token>/", views.rematch, name="rematch"),
    path("r/skip/<str:token>/", views.skip, name="skip"),
    path("r/calendar/<str:token>.ics", views.calendar, name="calendar"),
]
