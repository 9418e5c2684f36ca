from django.urls import path

from onemind.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.index, name="index"),
    path("upload/", views.upload, name="upload"),
    path("<uuid:batch_id>/", views.detail, name="detail"),
    path("<uuid:batch_id>/columns/", views.mapping, name="mapping"),
    path("<uuid:batch_id>/progress/", views.progress, name="progress"),
    path("<uuid:batch_id>/apply/", views.apply, name="apply"),
    path("<uuid:batch_id>/undo/", views.undo, name="undo"),
    path("<uuid:batch_id>/errors.csv", views.errors, name="errors"),
]
