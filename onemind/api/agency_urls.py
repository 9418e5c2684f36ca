"""Agency administrator pages: /agencies/<slug>/integrations/…"""

from django.urls import path

from onemind.api import views_ui

app_name = "api_tokens"

urlpatterns = [
    path("api-tokens/", views_ui.tokens, name="tokens"),
    path("api-tokens/<str:prefix>/revoke/", views_ui.revoke, name="revoke"),
    path("export/", views_ui.export, name="export"),
]
