from django.urls import path, re_path

from onemind.campaign import agency_views, dashboard_views, list_exports, views
from onemind.pledges import staff_views as pledge_views
from onemind.reviews import staff_views
from onemind.tenancy import staff_views as claim_views

app_name = "campaign"

urlpatterns = [
    path("", views.home, name="home"),
    path("reviews/", staff_views.queue, name="queue"),
    path("reviews/next/", staff_views.queue_next, name="queue_next"),
    path("reviews/<uuid:submission_id>/", staff_views.review, name="review"),
    path("reviews/<uuid:submission_id>/assign/", staff_views.assign, name="assign"),
    path("reviews/<uuid:submission_id>/preview/<int:index>.png", staff_views.evidence_preview, name="evidence_preview"),
    path("agencies/", agency_views.agencies, name="agencies"),
    path("agencies/<slug:agency_slug>/", agency_views.agency, name="agency"),
    path("agencies/<slug:agency_slug>/contact/", agency_views.log_contact, name="log_contact"),
    path("agencies/<slug:agency_slug>/recognize/", staff_views.recognize, name="recognize"),
    path("agencies/<slug:agency_slug>/revoke/", staff_views.revoke, name="revoke"),
    path("agencies/<slug:agency_slug>/certificate.pdf", staff_views.certificate, name="certificate"),
    path("agencies/<slug:agency_slug>/pledge/", pledge_views.terms, name="pledge_terms"),
    path("claims/", claim_views.claims, name="claims"),
    path("claims/<uuid:claim_id>/", claim_views.claim, name="claim"),
    path("editions/", views.editions, name="editions"),
    path("editions/add/", views.edition_edit, name="edition_add"),
    path("editions/<int:pk>/", views.edition_edit, name="edition_edit"),
    path("course-types/", views.course_types, name="course_types"),
    path("course-types/add/", views.course_type_edit, name="course_type_add"),
    path("course-types/<int:pk>/", views.course_type_edit, name="course_type_edit"),
    path("syllabus/<int:pk>/", views.syllabus, name="syllabus"),
    path("syllabus/<int:pk>/remove/", views.syllabus_remove, name="syllabus_remove"),
    path("resources/", views.resources, name="resources"),
    path("resources/add/", views.resource_edit, name="resource_add"),
    path("resources/<int:pk>/", views.resource_edit, name="resource_edit"),
    path("announcements/", views.announcements, name="announcements"),
    path("announcements/add/", views.announcement_edit, name="announcement_add"),
    path("announcements/<int:pk>/", views.announcement_edit, name="announcement_edit"),
    path("announcements/<int:pk>/send/", agency_views.send_announcement, name="announcement_send"),
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("dashboard/refresh/", dashboard_views.refresh, name="dashboard_refresh"),
    path("dashboard/standings-export/", dashboard_views.export_standings, name="dashboard_standings_export"),
    re_path(
        r"^dashboard/(?P<table>history|states|types|sizes|funnel|deadlines)\.(?P<fmt>csv|xlsx)$",
        dashboard_views.export_table,
        name="dashboard_export",
    ),
    re_path(
        r"^(?P<name>editions|course-types|resources|announcements)/export\.(?P<fmt>csv|xlsx)$",
        list_exports.export_list,
        name="list_export",
    ),
]
