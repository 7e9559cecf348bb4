"""SQLite, too, refuses to delete an audit event that goes around the model.

The trigger asks `sanctuary_audit_delete_allowed()`, a function only Sanctuary's own connections
define (sanctuary.audit.apps): it answers no, except in the test suite, whose flush between tests
empties every table with DELETE (sanctuary.audit.ALLOW_DELETE_FOR_TEST_FLUSH). A connection
that is not Sanctuary's (the sqlite3 shell, another program) does not know the function, so its
DELETE fails too. Someone who can write the database file can still drop the trigger: on SQLite
the file's permissions are the last line of defence (docs/access.md, "Audit").
"""

from django.db import migrations

SQLITE_UP = """
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
WHEN NOT sanctuary_audit_delete_allowed()
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS audit_event_no_delete;"


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]
    operations = [migrations.RunPython(create_trigger, drop_trigger)]
