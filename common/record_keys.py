"""The record key of statistical disclosure control (docs/statistical-disclosure.md).

Every record that national statistics count (a contact, a client, a case, a referral) gets a
random 31-bit key when it is made, and keeps it for life. A published cell's perturbation is
looked up from the sum of the keys of the records it counts (reports.disclosure), so the same
set of records shows the same value in every table, period and route.

The key is not personal data and is never shown: it is left out of forms, the API and the
data-subject access export, since whoever knew every key could undo the perturbation.
"""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

# Keys are below 2**31, and cell keys are sums modulo 2**31: they fit PostgreSQL's integer.
RECORD_KEY_MODULUS = 2**31


def new_record_key() -> int:
    return secrets.randbelow(RECORD_KEY_MODULUS)


class RecordKeyField(models.IntegerField):
    """A record's fixed random key; a new value for every row (never one default for a batch)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("verbose_name", _("statistical record key"))
        kwargs["default"] = new_record_key
        kwargs["editable"] = False
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("default", None)
        kwargs.pop("editable", None)
        return name, path, args, kwargs


def add_record_key_sql(table: str) -> str:
    """Fill existing rows with a key each: a volatile default is evaluated per row while
    PostgreSQL rewrites the table, and (unlike an UPDATE) fires no history trigger."""
    return (
        f'ALTER TABLE "{table}" ADD COLUMN "record_key" integer NOT NULL '
        f"DEFAULT floor(random() * {RECORD_KEY_MODULUS})::integer; "
        f'ALTER TABLE "{table}" ALTER COLUMN "record_key" DROP DEFAULT;'
    )


def drop_record_key_sql(table: str) -> str:
    return f'ALTER TABLE "{table}" DROP COLUMN "record_key";'
