from django.apps import AppConfig


class PartnershipConfig(AppConfig):
    name = "sanctuary.partnership"
    label = "partnership"
    verbose_name = "Partnership"
    default_auto_field = "django.db.models.BigAutoField"
