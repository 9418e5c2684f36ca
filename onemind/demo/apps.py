from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "onemind.demo"
    label = "demo"
