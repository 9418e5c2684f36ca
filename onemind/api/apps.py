from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "onemind.api"
    label = "onemind_api"
    verbose_name = "REST API"
