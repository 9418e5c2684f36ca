from django.urls import path, re_path

from onemind.outcomes import views

app_name = "outcomes"

urlpatterns = [
    path("", views.index, name="index"),
    path("trends/", views.trends, name="trends"),
    re_path(r"^grant-report\.(?P<fmt>csv|pdf)$", views.grant_report, name="grant_report"),
    path("months/<str:month>/", views.month_edit, name="month"),
    path("template.csv", views.template_file, name="template"),
    path("upload/", views.upload, name="upload"),
    path("files/<uuid:batch_id>/", views.batch_detail, name="batch"),
    path("files/<uuid:batch_id>/mapping/", views.batch_mapping, name="batch_mapping"),
    path("files/<uuid:batch_id>/apply/", views.batch_apply, name="batch_apply"),
    path("files/<uuid:batch_id>/undo/", views.batch_undo, name="batch_undo"),
    path("files/<uuid:batch_id>/discard/", views.batch_discard, name="batch_discard"),
]
