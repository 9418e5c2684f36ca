from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "onemind.compliance"
    label = "compliance"

    def ready(self) -> None:
        from onemind.compliance import signals, stamp
        from onemind.tenancy.access import add_agency_companion

        signals.connect()
        add_agency_companion(stamp.COMPANION)
