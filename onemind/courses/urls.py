from django.urls import path

from onemind.courses import provider_views, views

app_name = "courses"

urlpatterns = [
    path("", views.finder, name="finder"),
    path("feed.ics", views.feed, name="feed"),
    path("<uuid:session_id>/", views.session_page, name="session"),
    path("<uuid:session_id>.ics", views.session_ics, name="session_ics"),
    path("providers/<slug:provider_slug>/feed.ics", views.provider_feed, name="provider_feed"),
    path("manage/", provider_views.home, name="provider_home"),
    path("manage/demand/", provider_views.state_demand, name="state_demand"),
    path("manage/<slug:provider_slug>/new/", provider_views.publish, name="publish"),
    path("manage/sessions/<uuid:session_id>/", provider_views.registrants, name="registrants"),
    path("manage/sessions/<uuid:session_id>/edit/", provider_views.edit, name="edit"),
    path("manage/sessions/<uuid:session_id>/cancel/", provider_views.cancel, name="cancel"),
    path("manage/sessions/<uuid:session_id>/attendance/", provider_views.attendance, name="attendance"),
]
