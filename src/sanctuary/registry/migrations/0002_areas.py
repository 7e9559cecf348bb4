"""Areas and their wards; every site in one area.

An installation from before areas gets one area, "The borough" (ONS code LOCAL), holding every
site and the wards its sites named: rename it and set its ONS code on the organisation pages.
"""

import django.db.models.deletion
from django.db import migrations, models


def one_area_for_what_was_there(apps, schema_editor):
    Site = apps.get_model("registry", "Site")
    if not Site.objects.exists():
        return
    Area = apps.get_model("registry", "Area")
    Ward = apps.get_model("registry", "Ward")
    Organisation = apps.get_model("registry", "Organisation")
    area = Area.objects.create(name="The borough", code="LOCAL")
    for name in sorted(set(Site.objects.exclude(ward="").values_list("ward", flat=True))):
        Ward.objects.create(area=area, name=name)
    Site.objects.update(area=area)
    for organisation in Organisation.objects.all():
        organisation.areas.add(area)


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="Area",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=120, unique=True)),
                ("code", models.CharField(help_text="The Office for National Statistics code, e.g. E09000030 for Tower Hamlets.", max_length=9, unique=True, verbose_name="ONS code")),
                ("boundary", models.JSONField(blank=True, null=True)),
                ("west", models.FloatField(blank=True, editable=False, null=True)),
                ("south", models.FloatField(blank=True, editable=False, null=True)),
                ("east", models.FloatField(blank=True, editable=False, null=True)),
                ("north", models.FloatField(blank=True, editable=False, null=True)),
            ],
            options={"ordering": ["name"]},
        ),
        migrations.CreateModel(
            name="Ward",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=120)),
                ("code", models.CharField(blank=True, max_length=9, verbose_name="ONS code")),
                ("area", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="wards", to="registry.area")),
            ],
            options={
                "ordering": ["area__name", "name"],
                "constraints": [models.UniqueConstraint(fields=("area", "name"), name="registry_ward_once_per_area")],
            },
        ),
        migrations.AddField(
            model_name="organisation",
            name="areas",
            field=models.ManyToManyField(blank=True, related_name="organisations", to="registry.area"),
        ),
        migrations.AddField(
            model_name="organisation",
            name="covers_all_areas",
            field=models.BooleanField(default=False, help_text="A national body, umbrella or reporting charity.", verbose_name="works in every area"),
        ),
        migrations.AlterField(
            model_name="organisation",
            name="kind",
            field=models.CharField(choices=[("faith", "Faith organisation"), ("umbrella", "Umbrella body"), ("police", "Police unit"), ("council", "Council service"), ("national", "National body")], max_length=20),
        ),
        migrations.AddField(
            model_name="site",
            name="area",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="sites", to="registry.area"),
        ),
        migrations.RunPython(one_area_for_what_was_there, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="site",
            name="area",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="sites", to="registry.area"),
        ),
        migrations.AddIndex(
            model_name="site",
            index=models.Index(fields=["area", "status"], name="registry_si_area_id_a4c15b_idx"),
        ),
    ]
