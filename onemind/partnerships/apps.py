from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "onemind.partnerships"
    label = "partnerships"
