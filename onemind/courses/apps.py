from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "onemind.courses"
    verbose_name = "Courses"

    def ready(self) -> None:
        from onemind.courses import receivers

        receivers.connect()
