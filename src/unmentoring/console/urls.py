from django.urls import path

from unmentoring.console import views

app_name = "console"
urlpatterns = [
    path("console/reports/<int:pk>/", views.report, name="report"),
]
