"""Administrators edit the crime-type list in the admin; cases and their contents are not there."""

from django.contrib import admin
from django.urls import reverse

from cases.models import Attachment, Case, CaseNote, CrimeType, PoliceFeedback, Referral, Task


def test_crime_types_are_editable_by_the_administrator(client, administrator):
    client.force_login(administrator)
    crime = CrimeType.objects.get(section="§218")
    assert client.get(reverse("admin:cases_crimetype_changelist")).status_code == 200
    response = client.post(
        reverse("admin:cases_crimetype_change", args=[crime.pk]),
        {"section": "§218", "name": "Lichva (upraveno)", "is_active": "on"},
    )
    assert response.status_code == 302
    assert CrimeType.objects.get(pk=crime.pk).name == "Lichva (upraveno)"


def test_no_case_data_in_the_admin():
    for model in (Case, CaseNote, Task, Referral, Attachment, PoliceFeedback):
        assert not admin.site.is_registered(model), model
