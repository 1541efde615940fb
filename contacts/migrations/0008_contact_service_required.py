import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0007_activities_from_forms_of_work"),
    ]

    operations = [
        migrations.AlterField(
            model_name="contact",
            name="service",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="contacts",
                to="programmes.service",
                verbose_name="service",
            ),
        ),
    ]
