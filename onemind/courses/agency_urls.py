from django.urls import path  # noqa: F401

app_name = "courses_agency"

urlpatterns: list = []
