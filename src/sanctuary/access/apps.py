from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "sanctuary.access"
    label = "access"
    verbose_name = "People and access"

    def ready(self) -> None:
        # Registers the production-safety checks with Django's check framework.
        from sanctuary import checks  # noqa: F401
