"""A contact's work is its activities (migration 0007 made each contact's form of work its one
activity): the form of work and its list index go. The activity type's own index goes too: the
index (activity type, contact) starts with it."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contacts', '0008_contact_service_required'),
        ('programmes', '0002_starting_services'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='contact',
            name='contact_org_form_idx',
        ),
        migrations.RemoveField(
            model_name='contact',
            name='form_of_work',
        ),
        migrations.AlterField(
            model_name='activity',
            name='activity_type',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='programmes.activitytype', verbose_name='activity type'),
        ),
    ]
