from django.urls import path

from unmentoring.outcomes import views

app_name = "outcomes"
urlpatterns = [
    path("r/report/<str:token>/", views.report, name="report"),
]
