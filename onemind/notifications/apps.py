from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "onemind.notifications"
    verbose_name = "Reminders and notifications"

    def ready(self) -> None:
        from onemind.notifications import events

        events.connect()
