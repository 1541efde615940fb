"""The fields a document template may use: their names, meanings and values.

A template is a DOCX file with Jinja fields (`{{ klient_prijmeni }}`, docxtpl). The names are
flat and Czech, for the people who write templates; FIELDS is the one list of them: the page of
fields shows it, an upload naming anything else is refused, and `document_context` fills them.
A value that is not known is printed as a dotted line to be filled in by hand.
"""

import datetime
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from cases.models import Case, Referral
from clients.models import Client
from contacts.models import Contact

BLANK = "……………………"


@dataclass(frozen=True)
class Field:
    name: str
    meaning: Promise
    group: Promise


_GENERAL, _CLIENT, _CASE = _("General"), _("Client"), _("Case")
_ACCOMPANIMENT, _REFERRAL = _("Accompaniment (record of an accompaniment)"), _("Referral (referral letter)")

FIELDS: tuple[Field, ...] = (
    Field("dnes", _("today's date, e.g. 6. 12. 2026"), _GENERAL),
    Field("misto", _("place: the municipality of the case's or the client's locality"), _GENERAL),
    Field("organizace", _("name of the organisation"), _GENERAL),
    Field("asistent", _("name of the person making the document"), _GENERAL),
    Field("asistent_email", _("e-mail of the person making the document"), _GENERAL),
    Field("prijemce", _("recipient typed when the document is made (organisation, police unit)"), _GENERAL),
    Field("klient", _("the client as the file names them: full name, or nickname and year of birth"), _CLIENT),
    Field("klient_jmeno", _("first name"), _CLIENT),
    Field("klient_prijmeni", _("last name"), _CLIENT),
    Field("klient_prezdivka", _("nickname"), _CLIENT),
    Field("klient_rok_narozeni", _("year of birth"), _CLIENT),
    Field("klient_adresa", _("address"), _CLIENT),
    Field("klient_telefon", _("phone"), _CLIENT),
    Field("klient_email", _("e-mail"), _CLIENT),
    Field("klient_obec", _("municipality of the client's locality"), _CLIENT),
    Field("pripad", _("title of the case"), _CASE),
    Field("pripad_cislo", _("number of the case in Liaison"), _CASE),
    Field("pripad_trestne_ciny", _("crime types of the case, with their sections"), _CASE),
    Field("pripad_datum_udalosti", _("date of the incident"), _CASE),
    Field("pripad_datum_oznameni", _("date the crime was reported to the police"), _CASE),
    Field("pripad_cj_policie", _("police reference number"), _CASE),
    Field("pripad_utvar_policie", _("police unit"), _CASE),
    Field("pripad_asistent", _("assistant in charge of the case"), _CASE),
    Field("doprovod_datum", _("date of the accompaniment (the chosen contact)"), _ACCOMPANIMENT),
    Field("doprovod_cas", _("time it started"), _ACCOMPANIMENT),
    Field("doprovod_delka", _("duration in minutes"), _ACCOMPANIMENT),
    Field("doprovod_urad", _("authority or institution"), _ACCOMPANIMENT),
    Field("doprovod_vysledek", _("outcome as recorded with the contact"), _ACCOMPANIMENT),
    Field("doporuceni_sluzba", _("kind of service the client is referred to"), _REFERRAL),
    Field("doporuceni_poskytovatel", _("provider of the service"), _REFERRAL),
    Field("doporuceni_datum", _("date the referral was proposed"), _REFERRAL),
)
FIELD_NAMES = frozenset(field.name for field in FIELDS)


def czech_date(day: datetime.date | None) -> str:
    """6. 12. 2026, with no-break spaces: a Czech date is never split across two lines."""
    return f"{day.day}.\u00a0{day.month}.\u00a0{day.year}" if day else ""


def _person(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def document_context(
    *,
    by: User,
    client: Client,
    case: Case | None = None,
    contact: Contact | None = None,
    referral: Referral | None = None,
    recipient: str = "",
) -> dict[str, str]:
    """The value of every field in FIELDS; what is not known is a dotted line."""
    locality = (case.locality if case else None) or client.locality
    values: dict[str, object] = {
        "dnes": czech_date(timezone.localdate()),
        "misto": locality.municipality.name if locality else "",
        "organizace": client.organisation.name,
        "asistent": _person(by),
        "asistent_email": by.email,
        "prijemce": recipient,
        "klient": client.display_name,
        "klient_jmeno": client.first_name,
        "klient_prijmeni": client.last_name,
        "klient_prezdivka": client.nickname,
        "klient_rok_narozeni": client.birth_year or "",
        "klient_adresa": client.address,
        "klient_telefon": client.phone,
        "klient_email": client.email,
        "klient_obec": client.locality.municipality.name if client.locality else "",
    }
    if case is not None:
        values.update(
            {
                "pripad": case.title,
                "pripad_cislo": case.pk,
                "pripad_trestne_ciny": ", ".join(f"{crime.name} ({crime.section})" for crime in case.crime_types.all()),
                "pripad_datum_udalosti": czech_date(case.incident_date),
                "pripad_datum_oznameni": czech_date(case.reported_on),
                "pripad_cj_policie": case.police_reference,
                "pripad_utvar_policie": case.police_unit,
                "pripad_asistent": _person(case.assistant),
            }
        )
    if contact is not None:
        started = timezone.localtime(contact.occurred_at)
        values.update(
            {
                "doprovod_datum": czech_date(started.date()),
                "doprovod_cas": started.strftime("%H:%M"),
                "doprovod_delka": contact.duration_minutes,
                "doprovod_urad": contact.authority.name if contact.authority else "",
                "doprovod_vysledek": contact.outcome,
            }
        )
    if referral is not None:
        values.update(
            {
                # Without the examples in brackets that the form's choice shows.
                "doporuceni_sluzba": re.sub(r"\s*\(.*\)$", "", str(referral.get_service_display())),
                "doporuceni_poskytovatel": referral.provider,
                "doporuceni_datum": czech_date(referral.proposed_on),
            }
        )
    return {name: str(values.get(name, "")) or BLANK for name in sorted(FIELD_NAMES)}
