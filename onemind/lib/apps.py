from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "onemind.lib"
    label = "onemind_lib"
