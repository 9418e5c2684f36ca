from django.urls import path, re_path

from onemind.training import views, views_officer

app_name = "training"

urlpatterns = [
    path("", views.training_list, name="list"),
    re_path(r"^export\.(?P<fmt>csv|xlsx)$", views.export, name="export"),
    path("add/", views.add, name="add"),
    path("class/", views.add_class, name="class"),
    path("pending/", views.pending, name="pending"),
    path("<uuid:record_id>/accept/", views.accept, name="accept"),
    path("<uuid:record_id>/reject/", views.reject, name="reject"),
    path("<uuid:record_id>/certificate/", views.certificate, name="certificate"),
    # The invited officer's own record (see views_officer): no agency permission, checked on the object.
    path("mine/", views_officer.mine, name="mine"),
    path("mine/upload/", views_officer.mine_upload, name="mine_upload"),
    path("mine/<uuid:record_id>/certificate/", views_officer.mine_certificate, name="mine_certificate"),
]
