from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from onemind.api import docs, views

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs.docs, name="docs"),
    path("agency/", views.AgencyView.as_view(), name="agency"),
    path("people/", views.PeopleView.as_view(), name="people"),
    path("people/bulk/", views.PeopleBulkView.as_view(), name="people_bulk"),
    path("people/<str:employee_number>/", views.PersonView.as_view(), name="person"),
    path("people/<str:employee_number>/separate/", views.SeparateView.as_view(), name="separate"),
    path("training-records/", views.TrainingRecordsView.as_view(), name="training_records"),
    path("training-records/bulk/", views.TrainingBulkView.as_view(), name="training_bulk"),
    path("compliance/", views.ComplianceView.as_view(), name="compliance"),
    path("export/", views.ExportView.as_view(), name="export"),
    path("course-sessions/", views.CourseSessionsView.as_view(), name="course_sessions"),
]
