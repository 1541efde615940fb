"""A fixed random record key per row for the cell-key perturbation of national statistics
(docs/statistical-disclosure.md); existing rows get a key each."""

from django.db import migrations

from common.record_keys import RecordKeyField, add_record_key_sql, drop_record_key_sql


class Migration(migrations.Migration):
    dependencies = [("contacts", "0004_list_filter_indexes")]

    operations = [
        migrations.RunSQL(
            sql=add_record_key_sql("contacts_contact"),
            reverse_sql=drop_record_key_sql("contacts_contact"),
            state_operations=[migrations.AddField(model_name="contact", name="record_key", field=RecordKeyField())],
        ),
    ]
