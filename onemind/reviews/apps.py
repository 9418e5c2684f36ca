from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "onemind.reviews"
    label = "reviews"
