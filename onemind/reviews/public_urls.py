from django.urls import path

from onemind.reviews import public_views

app_name = "verify"

urlpatterns = [
    path("verify/", public_views.verify_form, name="form"),
    path("verify/<str:code>/", public_views.verify_code, name="code"),
]
