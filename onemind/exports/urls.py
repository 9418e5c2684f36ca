from django.urls import path

from onemind.exports import views

app_name = "exports"

urlpatterns = [
    path("<uuid:job_id>/", views.detail, name="detail"),
    path("<uuid:job_id>/progress/", views.progress, name="progress"),
    path("<uuid:job_id>/download/", views.download, name="download"),
]
