from django.urls import path, re_path

from onemind.roster import views

app_name = "roster"

urlpatterns = [
    path("", views.roster_list, name="list"),
    re_path(r"^export\.(?P<fmt>csv|xlsx)$", views.export, name="export"),
    path("add/", views.add, name="add"),
    path("positions/", views.positions, name="positions"),
    path("<uuid:person_id>/", views.detail, name="detail"),
    path("<uuid:person_id>/edit/", views.edit, name="edit"),
    path("<uuid:person_id>/separate/", views.separate, name="separate"),
    path("<uuid:person_id>/rehire/", views.rehire, name="rehire"),
    path("<uuid:person_id>/invite/", views.invite_officer, name="invite_officer"),
    path("<uuid:person_id>/exemptions/add/", views.add_exemption, name="add_exemption"),
    path("<uuid:person_id>/exemptions/<int:exemption_id>/end/", views.end_exemption, name="end_exemption"),
]
