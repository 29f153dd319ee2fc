import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "child_population.csv"


def forwards(apps, schema_editor):
    ChildPopulation = apps.get_model("analytics", "ChildPopulation")
    Region = apps.get_model("core", "Region")
    with DATA.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            region = Region.objects.filter(code=row["region"]).first() if row["region"] else None
            ChildPopulation.objects.update_or_create(
                region=region,
                year=int(row["year"]),
                defaults={"children": int(row["children"]), "source": row["source"]},
            )


class Migration(migrations.Migration):
    dependencies = [("analytics", "0001_initial"), ("core", "0002_reference_data")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
