from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "onemind.policies"
    label = "policies"
