"""Reference data: crimes under the Criminal Code no. 40/2009 Sb. typical in excluded localities."""

from django.db import migrations

CRIME_TYPES = [
    ("§146", "Ublížení na zdraví"),
    ("§168", "Obchodování s lidmi"),
    ("§170", "Zbavení osobní svobody"),
    ("§171", "Omezování osobní svobody"),
    ("§173", "Loupež"),
    ("§175", "Vydírání"),
    ("§189", "Kuplířství"),
    ("§199", "Týrání osoby žijící ve společném obydlí"),
    ("§205", "Krádež"),
    ("§209", "Podvod"),
    ("§218", "Lichva"),
    ("§228", "Poškození cizí věci"),
    ("§283", "Nedovolená výroba a jiné nakládání s omamnými a psychotropními látkami"),
    ("§352", "Násilí proti skupině obyvatelů a proti jednotlivci"),
    ("§353", "Nebezpečné vyhrožování"),
    ("§354", "Nebezpečné pronásledování"),
]


def load(apps, schema_editor):
    CrimeType = apps.get_model("cases", "CrimeType")
    for section, name in CRIME_TYPES:
        CrimeType.objects.get_or_create(section=section, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
