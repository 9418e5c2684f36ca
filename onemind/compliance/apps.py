from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "onemind.compliance"
    label = "compliance"

    def ready(self) -> None:
        from onemind.compliance import signals

        signals.connect()
