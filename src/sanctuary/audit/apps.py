from typing import Any

from django.apps import AppConfig
from django.db.backends.signals import connection_created


def _define_sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor != "sqlite":
        return
    import sanctuary.audit

    # Read at every DELETE on the audit table: see migrations/0003_sqlite_refuses_delete.py.
    connection.connection.create_function(
        "sanctuary_audit_delete_allowed",
        0,
        lambda: int(sanctuary.audit.ALLOW_DELETE_FOR_TEST_FLUSH),
        deterministic=False,
    )


class AuditConfig(AppConfig):
    name = "sanctuary.audit"
    label = "audit"

    def ready(self) -> None:
        # Logins only announce themselves through Django's auth signals.
        from sanctuary.audit import logins

        logins.connect()
        connection_created.connect(_define_sqlite_functions, dispatch_uid="audit_sqlite_functions")
