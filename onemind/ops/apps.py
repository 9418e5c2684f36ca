from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "onemind.ops"
    label = "ops"
