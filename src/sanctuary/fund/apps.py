from django.apps import AppConfig


class FundConfig(AppConfig):
    name = "sanctuary.fund"
    label = "fund"
    verbose_name = "Protective security fund"
    default_auto_field = "django.db.models.BigAutoField"
