from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "sanctuary.audit"
    label = "audit"
