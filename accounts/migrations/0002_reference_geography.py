"""Reference data: the 14 regions, their police directorates, the ministry, the seed's
municipalities and some of their socially excluded localities. Administrators edit it later."""

from django.db import migrations

REGIONS = [
    # (NUTS code, name, genitive used in the police directorate's name)
    ("CZ010", "Hlavní město Praha", "hl. m. Prahy"),
    ("CZ020", "Středočeský kraj", "Středočeského kraje"),
    ("CZ031", "Jihočeský kraj", "Jihočeského kraje"),
    ("CZ032", "Plzeňský kraj", "Plzeňského kraje"),
    ("CZ041", "Karlovarský kraj", "Karlovarského kraje"),
    ("CZ042", "Ústecký kraj", "Ústeckého kraje"),
    ("CZ051", "Liberecký kraj", "Libereckého kraje"),
    ("CZ052", "Královéhradecký kraj", "Královéhradeckého kraje"),
    ("CZ053", "Pardubický kraj", "Pardubického kraje"),
    ("CZ063", "Kraj Vysočina", "kraje Vysočina"),
    ("CZ064", "Jihomoravský kraj", "Jihomoravského kraje"),
    ("CZ071", "Olomoucký kraj", "Olomouckého kraje"),
    ("CZ072", "Zlínský kraj", "Zlínského kraje"),
    ("CZ080", "Moravskoslezský kraj", "Moravskoslezského kraje"),
]

MUNICIPALITIES = {
    "CZ010": {"Praha": ["Karlín", "Žižkov"]},
    "CZ032": {"Plzeň": ["Vnitřní Město – Cukrovarská", "Lobzy", "Roudná"]},
    "CZ041": {"Cheb": ["Skalka", "Palackého náměstí"], "Sokolov": ["Sever"]},
    "CZ042": {"Ústí nad Labem": ["Předlice"], "Most": ["Chanov"]},
    "CZ064": {"Brno": ["Cejl – Bratislavská", "Francouzská – Vranovská", "Husovice"]},
    "CZ071": {"Olomouc": ["Přednádraží – Škroupova", "Holice"], "Přerov": ["Škodova"]},
    "CZ080": {
        "Ostrava": ["Přednádraží", "Hrušov", "Liščina", "Kunčičky", "Vítkovice – Sirotčí"],
        "Karviná": ["Nové Město", "Nová Karviná – Sovinec"],
    },
}


def load(apps, schema_editor):
    Region = apps.get_model("accounts", "Region")
    Municipality = apps.get_model("accounts", "Municipality")
    Locality = apps.get_model("accounts", "Locality")
    Organisation = apps.get_model("accounts", "Organisation")
    regions = {}
    for code, name, genitive in REGIONS:
        region, _ = Region.objects.get_or_create(code=code, defaults={"name": name})
        regions[code] = region
        Organisation.objects.get_or_create(
            name=f"Krajské ředitelství policie {genitive}", defaults={"kind": "police", "region": region}
        )
    Organisation.objects.get_or_create(name="Ministerstvo vnitra ČR", defaults={"kind": "ministry"})
    Organisation.objects.get_or_create(name="Provozovatel systému Liaison", defaults={"kind": "operator"})
    for code, towns in MUNICIPALITIES.items():
        for town, localities in towns.items():
            municipality, _ = Municipality.objects.get_or_create(region=regions[code], name=town)
            for locality in localities:
                Locality.objects.get_or_create(municipality=municipality, name=locality)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
