from django.urls import include, path

urlpatterns = [
    path("", include("onemind.public.urls")),
    path("accounts/", include("onemind.accounts.urls")),
    path("directory/", include("onemind.directory.urls")),
    path("agencies/<slug:agency_slug>/", include("onemind.tenancy.urls")),
    path("agencies/<slug:agency_slug>/pledge/", include("onemind.pledges.urls")),
    path("agencies/<slug:agency_slug>/roster/", include("onemind.roster.urls")),
    path("agencies/<slug:agency_slug>/training/", include("onemind.training.urls")),
    path("agencies/<slug:agency_slug>/imports/", include("onemind.imports.urls")),
    path("agencies/<slug:agency_slug>/dashboard/", include("onemind.compliance.urls")),
    path("agencies/<slug:agency_slug>/partnerships/", include("onemind.partnerships.urls")),
    path("agencies/<slug:agency_slug>/policy/", include("onemind.policies.urls")),
    path("agencies/<slug:agency_slug>/submissions/", include("onemind.reviews.urls")),
    path("agencies/<slug:agency_slug>/courses/", include("onemind.courses.agency_urls")),
    path("agencies/<slug:agency_slug>/outcomes/", include("onemind.outcomes.urls")),
    path("agencies/<slug:agency_slug>/planner/", include("onemind.planner.urls")),
    path("campaign/outcomes/", include("onemind.outcomes.campaign_urls")),
    path("campaign/", include("onemind.campaign.urls")),
    path("courses/", include("onemind.courses.urls")),
    path("notifications/", include("onemind.notifications.urls")),
    path("exports/", include("onemind.exports.urls")),
    path("agencies/<slug:agency_slug>/integrations/", include("onemind.api.agency_urls")),
    path("agencies/<slug:agency_slug>/retention/", include("onemind.ops.urls")),
    path("api/v1/", include("onemind.api.urls")),
    path("", include("onemind.reviews.public_urls")),
]

handler400 = "onemind.lib.errors.bad_request"
handler403 = "onemind.lib.errors.permission_denied"
handler404 = "onemind.lib.errors.page_not_found"
handler500 = "onemind.lib.errors.server_error"
