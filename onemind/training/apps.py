from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "onemind.training"
    label = "training"
