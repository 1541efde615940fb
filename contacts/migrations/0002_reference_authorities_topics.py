"""Reference data: authorities an assistant deals with, and common topics of a contact."""

from django.db import migrations

AUTHORITIES = [
    ("Policie ČR", "police"),
    ("Městská policie", "municipal_police"),
    ("Úřad práce", "office"),
    ("Obecní / městský úřad", "office"),
    ("OSPOD (sociálně-právní ochrana dětí)", "office"),
    ("Soud", "justice"),
    ("Probační a mediační služba", "justice"),
    ("Exekutor", "justice"),
    ("Škola", "other"),
    ("Zdravotnické zařízení", "other"),
    ("Bílý kruh bezpečí", "service"),
    ("Intervenční centrum", "service"),
    ("La Strada", "service"),
    ("Jiná organizace", "other"),
]

TOPICS = [
    "Oznámení trestného činu",
    "Podání vysvětlení",
    "Lichva a dluhy",
    "Exekuce",
    "Bydlení",
    "Sociální dávky",
    "Zaměstnání",
    "Vzdělávání dětí",
    "Domácí násilí",
    "Sousedské spory",
    "Drogy",
    "Práva obětí trestných činů",
    "Doklady a úřední záležitosti",
    "Prevence kriminality",
]


def load(apps, schema_editor):
    Authority = apps.get_model("contacts", "Authority")
    Topic = apps.get_model("contacts", "Topic")
    for position, (name, kind) in enumerate(AUTHORITIES):
        Authority.objects.get_or_create(name=name, defaults={"kind": kind, "ordering": position})
    for name in TOPICS:
        Topic.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("contacts", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
