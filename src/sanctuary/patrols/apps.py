from django.apps import AppConfig


class PatrolsConfig(AppConfig):
    name = "sanctuary.patrols"
    label = "patrols"
    verbose_name = "Patrols"
    default_auto_field = "django.db.models.BigAutoField"
