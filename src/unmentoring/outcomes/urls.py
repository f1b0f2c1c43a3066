from django.urls import path

from unmentoring.core.views import public_page_cache
from unmentoring.outcomes import views
from unmentoring.outcomes.feeds import LearningFeed

app_name = "outcomes"
urlpatterns = [
    path("programmes/<slug:slug>/learning/", views.learning, name="learning"),
    path("programmes/<slug:slug>/learning/<int:pk>/", views.learning_entry, name="learning-entry"),
    path("programmes/<slug:slug>/learning.atom", public_page_cache(LearningFeed()), name="learning-atom"),
    path("programmes/<slug:slug>/rounds/<int:number>/round-up/", views.round_up, name="round-up"),
    path("r/report/<str:token>/", views.report, name="report"),
]
