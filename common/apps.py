from django.apps import AppConfig


class CommonConfig(AppConfig):
    """Code every app shares (encrypted fields, pagination, validators, form helpers).

    The bottom layer: it imports nothing of the project. Installed so that its template tags load.
    """

    name = "common"
