"""Writes of contact records: the record and its many-to-many links in one transaction."""

from django.db import transaction

from accounts.models import User
from accounts.scoping import own_client_work_organisation_id

from .forms import ContactForm
from .models import Contact


@transaction.atomic
def contact_create(*, assistant: User, form: ContactForm) -> Contact:
    """Save a validated quick-entry form as the assistant's contact, with its clients and topics."""
    contact: Contact = form.save(commit=False)
    contact.assistant = assistant
    contact.organisation_id = own_client_work_organisation_id(assistant)
    contact.save()
    form.save_m2m()
    return contact


@transaction.atomic
def contact_update(*, form: ContactForm) -> Contact:
    contact: Contact = form.save()
    return contact
