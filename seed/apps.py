from django.apps import AppConfig


class SeedConfig(AppConfig):
    """Made-up data: the demo (`manage.py seed_demo`) and national-scale loads (`seed_bulk`).

    The top layer: it imports the apps whose tables it fills, and nothing imports it.
    """

    name = "seed"
