from django.apps import AppConfig


class PlannerConfig(AppConfig):
    name = "onemind.planner"
    label = "planner"
