from django.urls import path

from unmentoring.notifications import views

app_name = "notifications"
urlpatterns = [
    path("sent-mail/", views.sent_mail, name="sent-mail"),
    path("sent-mail/<int:pk>/", views.sent_mail_detail, name="sent-mail-detail"),
    path("sent-mail/<int:pk>/html/", views.sent_mail_html, name="sent-mail-html"),
    path("sent-mail/<int:pk>/attachments/<int:index>/", views.sent_mail_attachment, name="sent-mail-attachment"),
]
