from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "onemind.public"
    label = "public"
