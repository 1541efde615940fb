"""Every organisation that keeps client files gets a starting service with the activity types of
Czech field programmes; today's funders, and the assistants' funding periods, become funders,
projects and assignments. The values are frozen here, as they were when this ran."""

from django.db import migrations

STARTING_SERVICE_NAME = "Asistence pro jednání s policií a úřady"
STARTING_ACTIVITY_TYPES = [
    ("Kontakt", "contact", False),
    ("Informační servis", "information", False),
    ("Asistence / doprovod", "accompaniment", False),
    ("Jednání v zájmu klienta", "advocacy", False),
    ("Intervence", "intervention", False),
    ("Krizová intervence", "crisis", False),
    ("Případová konference", "case_conference", True),
    ("Skupinová aktivita", "group", False),
    ("Depistáž / monitoring lokality", "monitoring", True),
    ("Zprostředkování", "mediation", False),
    ("Konzultace", "consultation", False),
    ("Terénní návštěva", "field_visit", False),
    ("Telefonický kontakt", "phone", False),
    ("Komunitní nebo preventivní akce", "community", False),
]
FUNDER_KINDS = {"city": "city", "region": "region", "mpsv": "mpsv", "esf": "esf"}


def forwards(apps, schema_editor):
    Organisation = apps.get_model("accounts", "Organisation")
    FundingSource = apps.get_model("accounts", "FundingSource")
    AssistantProfile = apps.get_model("accounts", "AssistantProfile")
    Contact = apps.get_model("contacts", "Contact")
    Funder = apps.get_model("programmes", "Funder")
    Service = apps.get_model("programmes", "Service")
    Project = apps.get_model("programmes", "Project")
    ActivityType = apps.get_model("programmes", "ActivityType")
    Assignment = apps.get_model("programmes", "Assignment")

    with_work = set(Contact.objects.values_list("organisation_id", flat=True).distinct())
    with_work |= set(AssistantProfile.objects.values_list("employer_id", flat=True).distinct())
    services = {}
    for organisation in Organisation.objects.all():
        if organisation.kind not in ("ngo", "municipality") and organisation.pk not in with_work:
            continue
        service = Service.objects.create(
            organisation=organisation, name=STARTING_SERVICE_NAME, kind="not_registered"
        )
        ActivityType.objects.bulk_create(
            ActivityType(service=service, name=name, category=category, without_client=without, ordering=i)
            for i, (name, category, without) in enumerate(STARTING_ACTIVITY_TYPES)
        )
        services[organisation.pk] = service

    funders = {}
    for source in FundingSource.objects.all():
        funders[source.pk] = Funder.objects.create(name=source.name, kind=FUNDER_KINDS.get(source.kind, "other"))

    projects = {}
    for profile in AssistantProfile.objects.prefetch_related("fundings"):
        service = services[profile.employer_id]
        fundings = list(profile.fundings.all())
        if not fundings:
            Assignment.objects.create(
                profile=profile, service=service, valid_from=profile.employed_from, valid_until=profile.employed_until
            )
        for funding in fundings:
            key = (profile.employer_id, funding.source_id)
            if key not in projects:
                first = min(f.valid_from for f in profile.fundings.model.objects.filter(
                    source_id=funding.source_id, profile__employer_id=profile.employer_id
                ))
                projects[key] = Project.objects.create(
                    organisation_id=profile.employer_id,
                    name=funders[funding.source_id].name,
                    funder=funders[funding.source_id],
                    starts_on=first,
                )
                projects[key].services.add(service)
            Assignment.objects.create(
                profile=profile,
                service=service,
                project=projects[key],
                valid_from=funding.valid_from,
                valid_until=funding.valid_until,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0001_initial"),
        ("contacts", "0005_contact_record_key"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
