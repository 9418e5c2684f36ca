from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "onemind.roster"
    label = "roster"
