from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    name = "onemind.devtools"
    label = "devtools"
    verbose_name = "Development tools"
