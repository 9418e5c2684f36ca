from django.urls import path

from onemind.planner import views

app_name = "planner"

urlpatterns = [
    path("", views.index, name="index"),
    path("reserve/", views.reserve, name="reserve"),
]
