from django.urls import path

from unmentoring.site import views

app_name = "site"
urlpatterns = [
    path("", views.home, name="home"),
    path("privacy/", views.privacy, name="privacy"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("programmes/<slug:slug>/", views.programme, name="programme"),
    path("programmes/<slug:slug>/does-it-work/", views.does_it_work, name="does-it-work"),
    path("account/", views.account, name="account"),
    path("signed-in/", views.signed_in, name="signed-in"),
]
