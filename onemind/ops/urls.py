from django.urls import path

from onemind.ops import views

app_name = "ops"

urlpatterns = [
    path("", views.retention, name="retention"),
]
