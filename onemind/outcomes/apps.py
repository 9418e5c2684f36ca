from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "onemind.outcomes"
    label = "outcomes"
