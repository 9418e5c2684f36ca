from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "onemind.compliance"
    label = "compliance"
