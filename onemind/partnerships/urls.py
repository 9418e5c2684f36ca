from django.urls import path

from onemind.partnerships import views

app_name = "partnerships"

urlpatterns = [
    path("", views.partnership_list, name="list"),
    path("organizations/add/", views.organization_add, name="organization_add"),
    path("organizations/<uuid:organization_id>/edit/", views.organization_edit, name="organization_edit"),
    path("add/", views.partnership_add, name="add"),
    path("<uuid:partnership_id>/", views.partnership_detail, name="detail"),
    path("<uuid:partnership_id>/edit/", views.partnership_edit, name="edit"),
    path("<uuid:partnership_id>/activities/", views.activity_add, name="activity_add"),
    path("<uuid:partnership_id>/document/remove/", views.document_remove, name="document_remove"),
    path("<uuid:partnership_id>/files/<slug:which>/", views.document, name="document"),
    path("<uuid:partnership_id>/invite-liaison/", views.invite_liaison, name="invite_liaison"),
    path("partner/", views.partner_home, name="partner_home"),
    path("partner/<uuid:partnership_id>/", views.partner_detail, name="partner_detail"),
    path("partner/<uuid:partnership_id>/upload/", views.partner_upload, name="partner_upload"),
    path("partner/<uuid:partnership_id>/files/<slug:which>/", views.partner_document, name="partner_document"),
]
