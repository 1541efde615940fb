"""Every contact keeps what it meant: it belongs to its organisation's starting service and holds
one activity of the type its form of work became, with the contact's whole duration as direct
work. Plain SQL, because it runs over every contact ever recorded (a million at national scale)."""

from django.db import migrations

FORM_OF_WORK_CATEGORY = {
    "accompaniment": "accompaniment",
    "mediation": "mediation",
    "consultation": "consultation",
    "field_visit": "field_visit",
    "phone": "phone",
    "crisis": "crisis",
    "community": "community",
}

FORWARDS = """
UPDATE contacts_contact AS c SET service_id = s.id
FROM programmes_service AS s
WHERE s.organisation_id = c.organisation_id AND s.name = 'Asistence pro jednání s policií a úřady';

INSERT INTO contacts_activity (contact_id, activity_type_id, minutes, work)
SELECT c.id, t.id, c.duration_minutes, 'direct'
FROM contacts_contact AS c
JOIN (VALUES {mapping}) AS m(form_of_work, category) ON m.form_of_work = c.form_of_work
JOIN programmes_activitytype AS t ON t.service_id = c.service_id AND t.category = m.category
ORDER BY c.id;
""".format(mapping=", ".join(f"('{form}', '{category}')" for form, category in FORM_OF_WORK_CATEGORY.items()))


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0006_activities_services"),
        ("programmes", "0002_starting_services"),
    ]

    operations = [migrations.RunSQL(FORWARDS, migrations.RunSQL.noop)]
