from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "onemind.exports"
    label = "exports"
