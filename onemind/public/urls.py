from django.urls import path, re_path

from onemind.public import views

app_name = "public"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("pledged/", views.pledged, name="pledged"),
    re_path(r"^pledged/export\.(?P<fmt>csv|xlsx)$", views.pledged_export, name="pledged_export"),
    re_path(r"^recognized/export\.(?P<fmt>csv|xlsx)$", views.recognized_export, name="recognized_export"),
    path("numbers/", views.numbers, name="numbers"),
    path("pledged/<slug:slug>/", views.agency_public, name="agency"),
    path("recognized/", views.recognized, name="recognized"),
    path("resources/", views.resources, name="resources"),
    path("about/", views.about, name="about"),
    path("about/methodology/", views.methodology, name="methodology"),
    path("about/privacy/", views.privacy, name="privacy"),
    path("health/", views.health, name="health"),
]
