from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "sanctuary.access"
    label = "access"
    verbose_name = "People and access"
