from django.apps import AppConfig


class CampaignConfig(AppConfig):
    name = "onemind.campaign"
    label = "campaign"
