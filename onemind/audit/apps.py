from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "onemind.audit"
    label = "audit"
