from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "sanctuary.audit"
    label = "audit"

    def ready(self) -> None:
        # Logins only announce themselves through Django's auth signals.
        from sanctuary.audit import logins

        logins.connect()
