"""An action's fund round becomes a foreign key to the fund's rounds (the seam of 0001 closed):
a number that names an existing round is kept, any other is dropped."""

import django.db.models.deletion
from django.db import migrations, models


def keep_rounds_that_exist(apps, schema_editor):
    Action = apps.get_model("partnership", "Action")
    Round = apps.get_model("fund", "Round")
    rounds = set(Round.objects.values_list("pk", flat=True))
    for action in Action.objects.exclude(fund_round_ref=None):
        if action.fund_round_ref in rounds:
            action.fund_round_id = action.fund_round_ref
            action.save(update_fields=["fund_round"])


class Migration(migrations.Migration):
    dependencies = [
        ("fund", "0001_initial"),
        ("partnership", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="action",
            name="fund_round",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                related_name="+", to="fund.round", verbose_name="fund round",
            ),
        ),
        migrations.RunPython(keep_rounds_that_exist, migrations.RunPython.noop),
        migrations.RemoveField(model_name="action", name="fund_round_ref"),
    ]
