from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "onemind.accounts"
    label = "accounts"
