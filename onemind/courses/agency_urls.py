from django.urls import path

from onemind.courses import agency_views

app_name = "courses_agency"

urlpatterns = [
    path("", agency_views.index, name="index"),
    path("sessions/<uuid:session_id>/register/", agency_views.register, name="register"),
    path("registrations/<uuid:registration_id>/cancel/", agency_views.cancel, name="cancel"),
]
