from django.urls import path

from onemind.pledges import views

app_name = "pledges"

urlpatterns = [
    path("", views.detail, name="detail"),
    path("sign/", views.sign, name="sign"),
    path("correct/", views.correct, name="correct"),
    path("pdf/", views.pdf, name="pdf"),
    path("consent-preview/", views.consent_preview, name="consent_preview"),
]
