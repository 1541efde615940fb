from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from common.crypto import EncryptedTextField, rotate_text

BATCH = 1000


class Command(BaseCommand):
    help = "Re-encrypt every encrypted column with the first key of LIAISON_ENCRYPTION_KEYS."

    def handle(self, *args, **options):
        for model in apps.get_models():
            fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
            for field in fields:
                self._rotate_column(model, field)

    def _rotate_column(self, model, field) -> None:
        # Read the raw stored values (not decrypted) and write rotated ciphertext with
        # a plain UPDATE, so that auto_now timestamps and history are not touched by a key change.
        table, column, pk = model._meta.db_table, field.column, model._meta.pk.column
        done = 0
        last_pk = 0
        from django.db import connection

        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    f'SELECT "{pk}", "{column}" FROM "{table}" WHERE "{pk}" > %s AND "{column}" <> %s '  # noqa: S608
                    f'ORDER BY "{pk}" LIMIT %s',
                    [last_pk, "", BATCH],
                )
                rows = cursor.fetchall()
                if not rows:
                    break
                for row_pk, stored in rows:
                    cursor.execute(
                        f'UPDATE "{table}" SET "{column}" = %s WHERE "{pk}" = %s',  # noqa: S608
                        [rotate_text(stored), row_pk],
                    )
                last_pk = rows[-1][0]
                done += len(rows)
        self.stdout.write(f"{model._meta.label}.{field.name}: {done} values re-encrypted")
