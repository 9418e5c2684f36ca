from django.urls import path

from onemind.tenancy import views

app_name = "tenancy"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("profile/", views.profile, name="profile"),
    path("members/", views.members, name="members"),
    path("members/invite/", views.invite, name="invite"),
    path("members/<int:membership_id>/role/", views.change_role, name="change_role"),
    path("members/<int:membership_id>/remove/", views.remove, name="remove_member"),
    path("members/invitations/<int:invitation_id>/revoke/", views.revoke, name="revoke_invitation"),
    path("members/requests/<int:request_id>/", views.decide_request, name="decide_request"),
    path("audit/", views.audit_log, name="audit"),
    path("staff-access/", views.staff_open, name="staff_open"),
]
