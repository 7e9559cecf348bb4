from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "sanctuary.surveys"
    label = "surveys"
    verbose_name = "Security surveys and risk"
    default_auto_field = "django.db.models.BigAutoField"
