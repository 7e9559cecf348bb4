from django.apps import AppConfig


class OverviewConfig(AppConfig):
    name = "sanctuary.overview"
    label = "overview"
    verbose_name = "The partnership's picture"
