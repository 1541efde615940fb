"""A funder's report module for the tests of the frame (reports.funder_reports): about a service
of the coordinator's organisation, one sheet counting the service's contacts."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role
from contacts.models import Contact
from programmes.models import Service
from reports.tables import COUNT, DATE, DECIMAL, PERCENT, TEXT, Report, Sheet

SUBJECT_LABEL = _("Service")


def offered_to(user: User) -> bool:
    return Role(user.role).can_make_organisation_reports()


def subjects(user: User) -> QuerySet[Service]:
    return Service.objects.filter(organisation=user.organisation)


def build(*, subject: Service, params, requested_by: User) -> Report:
    contacts = Contact.objects.filter(
        service=subject, occurred_at__gte=params.start_datetime(), occurred_at__lt=params.end_datetime_exclusive()
    )
    sheet = Sheet(
        title="Kontakty",
        header=["Služba", "Kontakty", "Hodiny", "Podíl", "Od"],
        rows=[[subject.name, contacts.count(), 12.5, 0.125, params.start]],
        kinds=[TEXT, COUNT, DECIMAL, PERCENT, DATE],
    )
    return Report(
        title="Zkušební zpráva",
        subtitle=subject.name,
        sheets=[sheet],
        cover=[("Služba", subject.name)],
        definitions=["Kontakt je záznam o práci."],
    )
