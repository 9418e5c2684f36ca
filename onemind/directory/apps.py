from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "onemind.directory"
    label = "directory"
