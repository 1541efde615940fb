"""Districts (okresy): the 76 districts and the capital, each in its region (LAU 1 codes)."""

import django.db.models.deletion
from django.db import migrations, models

DISTRICTS = {
    "CZ010": [("CZ0100", "Hlavní město Praha")],
    "CZ020": [
        ("CZ0201", "Benešov"),
        ("CZ0202", "Beroun"),
        ("CZ0203", "Kladno"),
        ("CZ0204", "Kolín"),
        ("CZ0205", "Kutná Hora"),
        ("CZ0206", "Mělník"),
        ("CZ0207", "Mladá Boleslav"),
        ("CZ0208", "Nymburk"),
        ("CZ0209", "Praha-východ"),
        ("CZ020A", "Praha-západ"),
        ("CZ020B", "Příbram"),
        ("CZ020C", "Rakovník"),
    ],
    "CZ031": [
        ("CZ0311", "České Budějovice"),
        ("CZ0312", "Český Krumlov"),
        ("CZ0313", "Jindřichův Hradec"),
        ("CZ0314", "Písek"),
        ("CZ0315", "Prachatice"),
        ("CZ0316", "Strakonice"),
        ("CZ0317", "Tábor"),
    ],
    "CZ032": [
        ("CZ0321", "Domažlice"),
        ("CZ0322", "Klatovy"),
        ("CZ0323", "Plzeň-město"),
        ("CZ0324", "Plzeň-jih"),
        ("CZ0325", "Plzeň-sever"),
        ("CZ0326", "Rokycany"),
        ("CZ0327", "Tachov"),
    ],
    "CZ041": [("CZ0411", "Cheb"), ("CZ0412", "Karlovy Vary"), ("CZ0413", "Sokolov")],
    "CZ042": [
        ("CZ0421", "Děčín"),
        ("CZ0422", "Chomutov"),
        ("CZ0423", "Litoměřice"),
        ("CZ0424", "Louny"),
        ("CZ0425", "Most"),
        ("CZ0426", "Teplice"),
        ("CZ0427", "Ústí nad Labem"),
    ],
    "CZ051": [
        ("CZ0511", "Česká Lípa"),
        ("CZ0512", "Jablonec nad Nisou"),
        ("CZ0513", "Liberec"),
        ("CZ0514", "Semily"),
    ],
    "CZ052": [
        ("CZ0521", "Hradec Králové"),
        ("CZ0522", "Jičín"),
        ("CZ0523", "Náchod"),
        ("CZ0524", "Rychnov nad Kněžnou"),
        ("CZ0525", "Trutnov"),
    ],
    "CZ053": [
        ("CZ0531", "Chrudim"),
        ("CZ0532", "Pardubice"),
        ("CZ0533", "Svitavy"),
        ("CZ0534", "Ústí nad Orlicí"),
    ],
    "CZ063": [
        ("CZ0631", "Havlíčkův Brod"),
        ("CZ0632", "Jihlava"),
        ("CZ0633", "Pelhřimov"),
        ("CZ0634", "Třebíč"),
        ("CZ0635", "Žďár nad Sázavou"),
    ],
    "CZ064": [
        ("CZ0641", "Blansko"),
        ("CZ0642", "Brno-město"),
        ("CZ0643", "Brno-venkov"),
        ("CZ0644", "Břeclav"),
        ("CZ0645", "Hodonín"),
        ("CZ0646", "Vyškov"),
        ("CZ0647", "Znojmo"),
    ],
    "CZ071": [
        ("CZ0711", "Jeseník"),
        ("CZ0712", "Olomouc"),
        ("CZ0713", "Prostějov"),
        ("CZ0714", "Přerov"),
        ("CZ0715", "Šumperk"),
    ],
    "CZ072": [("CZ0721", "Kroměříž"), ("CZ0722", "Uherské Hradiště"), ("CZ0723", "Vsetín"), ("CZ0724", "Zlín")],
    "CZ080": [
        ("CZ0801", "Bruntál"),
        ("CZ0802", "Frýdek-Místek"),
        ("CZ0803", "Karviná"),
        ("CZ0804", "Nový Jičín"),
        ("CZ0805", "Opava"),
        ("CZ0806", "Ostrava-město"),
    ],
}


def load(apps, schema_editor):
    Region = apps.get_model("accounts", "Region")
    District = apps.get_model("accounts", "District")
    regions = {region.code: region for region in Region.objects.all()}
    for region_code, districts in DISTRICTS.items():
        for code, name in districts:
            District.objects.get_or_create(code=code, defaults={"name": name, "region": regions[region_code]})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_funding_moved_to_projects")]

    operations = [
        migrations.CreateModel(
            name="District",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(max_length=8, unique=True, verbose_name="code")),
                ("name", models.CharField(max_length=100, unique=True, verbose_name="name")),
                (
                    "region",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="districts",
                        to="accounts.region",
                        verbose_name="region",
                    ),
                ),
            ],
            options={"verbose_name": "district", "verbose_name_plural": "districts", "ordering": ["name"]},
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
