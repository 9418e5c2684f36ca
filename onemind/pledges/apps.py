from django.apps import AppConfig


class PledgesConfig(AppConfig):
    name = "onemind.pledges"
    label = "pledges"
