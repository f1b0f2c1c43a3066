from django.urls import path

from unmentoring.accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-in/check-your-email/", views.check_email, name="check-email"),
    path("sign-in/link/", views.sign_in_link, name="sign-in-link"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("account/name/", views.details, name="details"),
    path("account/my-data.json", views.download_data, name="download-data"),
    path("account/delete/", views.delete_account, name="delete"),
    path("account/blocks/<int:pk>/remove/", views.block_remove, name="block-remove"),
]
