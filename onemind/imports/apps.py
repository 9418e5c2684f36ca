from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "onemind.imports"
    label = "imports"
