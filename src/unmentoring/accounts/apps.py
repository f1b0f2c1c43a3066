from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "unmentoring.accounts"
    label = "accounts"
