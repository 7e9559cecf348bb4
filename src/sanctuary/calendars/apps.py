from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    name = "sanctuary.calendars"
    label = "calendars"
    verbose_name = "Worship calendars"
    default_auto_field = "django.db.models.BigAutoField"
