from django.urls import path

from onemind.reviews import views

app_name = "reviews"

urlpatterns = [
    path("", views.index, name="index"),
    path("certificate.pdf", views.certificate, name="certificate"),
    path("reattest/", views.reattest, name="reattest"),
    path("<int:strategy>/", views.detail, name="detail"),
    path("<int:strategy>/submit/", views.submit, name="submit"),
    path("<int:strategy>/comment/", views.comment, name="comment"),
    path("<int:strategy>/attachment/", views.submission_attachment, name="attachment"),
]
