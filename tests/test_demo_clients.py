"""The demo's clients carry what funders count, realistically and within the rules."""

from django.core.management import call_command

from clients.models import Client, ParticipantSheet, ServiceUse, Sex


def test_demo_clients_have_what_funders_count(db, settings, tmp_path):
    settings.DEBUG = True
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    call_command("seed_demo", password="demo-heslo-123")
    clients = Client.objects.all()
    assert clients.filter(sex=Sex.FEMALE).exists() and clients.filter(sex=Sex.MALE).exists()
    assert clients.filter(district__isnull=False).count() > clients.count() / 2
    assert clients.filter(target_groups__contains=["crime_victims"]).count() > clients.count() / 3
    assert clients.filter(target_groups__contains=["socially_excluded"]).exists()
    assert not clients.filter(target_groups__contains=["minorities"]).exists()
    ended = ServiceUse.objects.filter(ended_on__isnull=False)
    assert ended.exists() and not ended.filter(end_reason="").exists()
    assert ServiceUse.objects.filter(ended_on__isnull=True).count() > ended.count()
    for use in ServiceUse.objects.select_related("client", "service")[:50]:
        use.full_clean()  # every made-up period keeps the rules
    sheets = ParticipantSheet.objects.all()
    assert sheets.exists() and sheets.filter(education="declined").exists()
    assert not sheets.exclude(client__organisation__projects__funder__kind="esf").exists()
