from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "sanctuary.incidents"
    label = "incidents"
    verbose_name = "Incidents and community concerns"
    default_auto_field = "django.db.models.BigAutoField"
