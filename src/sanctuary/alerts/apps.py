from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "sanctuary.alerts"
    label = "alerts"
    verbose_name = "Alerts and advice"
    default_auto_field = "django.db.models.BigAutoField"
