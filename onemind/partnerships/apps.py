from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "onemind.partnerships"
    label = "partnerships"

    def ready(self) -> None:
        from onemind.partnerships import services  # noqa: F401 - connects bind_liaison_links
