from django.urls import path

from onemind.policies import views

app_name = "policies"

urlpatterns = [
    path("", views.policy_list, name="list"),
    path("add/", views.document_add, name="document_add"),
    path("<uuid:document_id>/versions/add/", views.version_add, name="version_add"),
    path("versions/<uuid:version_id>/", views.version_detail, name="version"),
    path("versions/<uuid:version_id>/edit/", views.version_edit, name="version_edit"),
    path("versions/<uuid:version_id>/file/", views.version_file, name="version_file"),
    path("versions/<uuid:version_id>/delete/", views.version_delete, name="version_delete"),
]
