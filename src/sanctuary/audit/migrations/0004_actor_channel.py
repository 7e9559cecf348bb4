from django.db import migrations, models

from sanctuary.audit import triggers


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_sqlite_refuses_delete")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="channel",
            field=models.CharField(blank=True, max_length=10),
        ),
        # SQLite rebuilt the table to add the column, and lost its triggers with it.
        migrations.RunPython(triggers.create, triggers.drop),
    ]
