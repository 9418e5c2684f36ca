from django.urls import path

from onemind.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("badge/", views.badge, name="badge"),
    path("read-all/", views.read_all, name="read_all"),
    path("preferences/", views.preferences, name="preferences"),
    path("failures/", views.failures, name="failures"),
    path("failures/<int:reminder_id>/retry/", views.retry, name="retry"),
    path("agencies/<slug:agency_slug>/settings/", views.agency_settings, name="agency_settings"),
    path("read/", views.read, name="read"),
]
