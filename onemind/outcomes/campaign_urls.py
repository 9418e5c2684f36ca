from django.urls import path

from onemind.outcomes import campaign_views

app_name = "outcomes_campaign"

urlpatterns = [
    path("", campaign_views.overview, name="overview"),
    path("research.csv", campaign_views.research_export, name="research_export"),
]
