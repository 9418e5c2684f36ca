from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "onemind.courses"
    verbose_name = "Courses"
