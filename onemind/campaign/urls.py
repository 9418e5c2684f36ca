from django.urls import path

from onemind.campaign import views
from onemind.reviews import staff_views

app_name = "campaign"

urlpatterns = [
    path("", views.home, name="home"),
    path("reviews/", staff_views.queue, name="queue"),
    path("reviews/<uuid:submission_id>/", staff_views.review, name="review"),
    path("agencies/<slug:agency_slug>/", staff_views.agency_status, name="agency"),
    path("agencies/<slug:agency_slug>/recognize/", staff_views.recognize, name="recognize"),
    path("agencies/<slug:agency_slug>/certificate.pdf", staff_views.certificate, name="certificate"),
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
]
