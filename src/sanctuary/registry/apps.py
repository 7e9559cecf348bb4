from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "sanctuary.registry"
    label = "registry"
