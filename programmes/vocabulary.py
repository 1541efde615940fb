"""Code lists of Czech social services and their funders (act 108/2006 Sb., MPSV, ESF+)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceKind(models.TextChoices):
    """The kinds of registered social service an assistant's work is run as (act 108/2006 Sb.)."""

    FIELD_PROGRAMMES = "field_programmes", _("Field programmes (§ 69)")
    SOCIAL_COUNSELLING = "social_counselling", _("Specialised social counselling (§ 37)")
    INTERVENTION_CENTRE = "intervention_centre", _("Intervention centre (§ 60a)")
    CRISIS_HELP = "crisis_help", _("Crisis help (§ 60)")
    SOCIAL_ACTIVATION_FAMILIES = (
        "activation_families",
        _("Social activation services for families with children (§ 65)"),
    )
    LOW_THRESHOLD_YOUTH = "low_threshold_youth", _("Low-threshold facility for children and youth (§ 62)")
    # Crime-prevention assistants are often a municipal project, not a registered service.
    NOT_REGISTERED = "not_registered", _("Not a registered social service (e.g. a crime-prevention project)")


class FunderKind(models.TextChoices):
    CITY = "city", _("City or municipality")
    REGION = "region", _("Region")
    MPSV = "mpsv", _("MPSV – social services subsidy")
    MV_CRIME_PREVENTION = "mv_prevention", _("MV – Crime Prevention Programme")
    MSP_VICTIM_SUPPORT = "msp_victims", _("MSp – victim-support subsidy")
    ESF = "esf", _("ESF+ / OPZ+")
    OTHER = "other", _("Other funder")


class TargetGroup(models.TextChoices):
    """Target groups of the MPSV code list that this field works with.

    A service may name an ethnic minority as its target group (the MPSV list does); a person
    never has one: `PERSON_TARGET_GROUPS` leaves it out, and no person's record stores it."""

    CRIME_VICTIMS = "crime_victims", _("Victims of crime")
    TRAFFICKING_VICTIMS = "trafficking_victims", _("Victims of trafficking in human beings")
    DOMESTIC_VIOLENCE = "domestic_violence", _("Victims of domestic violence")
    COMMERCIALLY_EXPLOITED = "commercially_exploited", _("People commercially exploited")
    SOCIALLY_EXCLUDED = "socially_excluded", _("People living in socially excluded communities")
    CRISIS = "crisis", _("People in crisis")
    ADDICTION = "addiction", _("People with addictions")
    HOMELESS = "homeless", _("Homeless people")
    FAMILIES_WITH_CHILDREN = "families_with_children", _("Families with children")
    CHILDREN_YOUTH = "children_youth", _("Children and youth aged 6 to 26 at social risk")
    LEAVING_PRISON = "leaving_prison", _("People released from prison")
    SENIORS = "seniors", _("Seniors")
    OTHER = "other", _("Other target group")
    MINORITIES = "minorities", _("Ethnic minorities (a service's target group only)")


PERSON_TARGET_GROUPS = [(value, label) for value, label in TargetGroup.choices if value != TargetGroup.MINORITIES]


class ActivityCategory(models.TextChoices):
    """National reporting categories that every organisation's activity types map to.

    The first nine are the activity types (výkony) of Czech field programmes; the last five are
    the forms of work that contacts were recorded with before activity types existed."""

    CONTACT = "contact", _("Contact")
    INFORMATION = "information", _("Information service")
    ACCOMPANIMENT = "accompaniment", _("Assistance / accompaniment")
    ADVOCACY = "advocacy", _("Dealing on the client's behalf")
    INTERVENTION = "intervention", _("Intervention")
    CRISIS = "crisis", _("Crisis intervention")
    CASE_CONFERENCE = "case_conference", _("Case conference")
    GROUP = "group", _("Group activity")
    MONITORING = "monitoring", _("Outreach / monitoring of a locality")
    MEDIATION = "mediation", _("Mediation")
    CONSULTATION = "consultation", _("Consultation")
    FIELD_VISIT = "field_visit", _("Field visit")
    PHONE = "phone", _("Phone")
    COMMUNITY = "community", _("Community or prevention event")


# The activity types a new service starts with: (name in Czech, category, work without a client).
# Names are data (an organisation renames and adds its own); the category is what reports count.
STARTING_ACTIVITY_TYPES = [
    ("Kontakt", ActivityCategory.CONTACT, False),
    ("Informační servis", ActivityCategory.INFORMATION, False),
    ("Asistence / doprovod", ActivityCategory.ACCOMPANIMENT, False),
    ("Jednání v zájmu klienta", ActivityCategory.ADVOCACY, False),
    ("Intervence", ActivityCategory.INTERVENTION, False),
    ("Krizová intervence", ActivityCategory.CRISIS, False),
    ("Případová konference", ActivityCategory.CASE_CONFERENCE, True),
    ("Skupinová aktivita", ActivityCategory.GROUP, False),
    ("Depistáž / monitoring lokality", ActivityCategory.MONITORING, True),
    ("Zprostředkování", ActivityCategory.MEDIATION, False),
    ("Konzultace", ActivityCategory.CONSULTATION, False),
    ("Terénní návštěva", ActivityCategory.FIELD_VISIT, False),
    ("Telefonický kontakt", ActivityCategory.PHONE, False),
    ("Komunitní nebo preventivní akce", ActivityCategory.COMMUNITY, False),
]

# What each of the seven former forms of work of a contact became (the data migration uses it).
FORM_OF_WORK_CATEGORY = {
    "accompaniment": ActivityCategory.ACCOMPANIMENT,
    "mediation": ActivityCategory.MEDIATION,
    "consultation": ActivityCategory.CONSULTATION,
    "field_visit": ActivityCategory.FIELD_VISIT,
    "phone": ActivityCategory.PHONE,
    "crisis": ActivityCategory.CRISIS,
    "community": ActivityCategory.COMMUNITY,
}


# Reports funders usually ask for, offered when a reporting deadline is named (free text).
REPORT_NAME_SUGGESTIONS = [
    _("Progress report (OPZ+)"),
    _("Final report"),
    _("MPSV annual statement of the service"),
    _("Subsidy settlement"),
    _("Crime-prevention project final report"),
]
