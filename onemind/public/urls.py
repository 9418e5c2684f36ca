from django.urls import path

from onemind.public import views

app_name = "public"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("pledged/", views.pledged, name="pledged"),
    path("pledged/<slug:slug>/", views.agency_public, name="agency"),
    path("recognized/", views.recognized, name="recognized"),
    path("resources/", views.resources, name="resources"),
    path("health/", views.health, name="health"),
]
