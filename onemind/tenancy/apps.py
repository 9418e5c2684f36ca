from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "onemind.tenancy"
    label = "tenancy"
