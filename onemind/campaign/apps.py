from django.apps import AppConfig


class CampaignConfig(AppConfig):
    name = "onemind.campaign"
    label = "campaign"

    def ready(self) -> None:
        # Registers the campaign's background exports, so the worker finds them by kind.
        from onemind.campaign import exports  # noqa: F401
