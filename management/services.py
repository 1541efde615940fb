"""Writes of the management area: users (with their assistant profile and funding), their
invitation, deactivation and reactivation; organisations; the reference lists. Each takes the
acting user, checks what that user may do, and writes its audit event in the same transaction."""

import datetime
import hashlib
import logging
import secrets
import smtplib
from collections.abc import Iterable
from typing import NoReturn

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise
from knox.models import AuthToken

from accounts.models import AssistantProfile, Locality, Municipality, Organisation, Region, User
from accounts.roles import Role
from accounts.services import check_access_change, record_access_change
from accounts.sessions import end_all_sessions
from audit.models import AuditAction
from audit.services import record_event
from cases.models import CrimeType
from contacts.models import Authority, Topic
from programmes import services as programme_services
from programmes.models import Project, Service

from .models import Invitation
from .selectors import reference_items

logger = logging.getLogger(__name__)

# The organisation kinds each role belongs to.
ROLE_ORGANISATION_KINDS: dict[Role, tuple[str, ...]] = {
    Role.ASSISTANT: (Organisation.Kind.NGO, Organisation.Kind.MUNICIPALITY),
    Role.COORDINATOR: (Organisation.Kind.NGO, Organisation.Kind.MUNICIPALITY),
    Role.POLICE: (Organisation.Kind.POLICE,),
    Role.MINISTRY: (Organisation.Kind.MINISTRY,),
    Role.ADMIN: (Organisation.Kind.OPERATOR,),
}


def refuse(field: str | None, message: StrOrPromise) -> NoReturn:
    raise ValidationError({field: message} if field else message)


def _check_grant(*, actor: User, role: str, organisation: Organisation) -> None:
    """The actor may give this role in this organisation, and the role fits the organisation."""
    actor_role = Role(actor.role)
    if role not in actor_role.grantable_roles():
        refuse("role", _("You cannot give this role."))
    if actor_role != Role.ADMIN and organisation.pk != actor.organisation_id:
        refuse("organisation", _("You can manage only the users of your own organisation."))
    if organisation.kind not in ROLE_ORGANISATION_KINDS[Role(role)]:
        refuse("role", _("This role does not belong in an organisation of this kind."))


def _check_username(username: str, user: User | None = None) -> None:
    others = User.objects.filter(username__iexact=username)
    if user is not None:
        others = others.exclude(pk=user.pk)
    if others.exists():
        refuse("username", _("This user name is taken."))


def _profile_save(
    *,
    user: User,
    organisation: Organisation,
    municipality: Municipality | None,
    localities: Iterable[Locality],
    employed_from: datetime.date | None,
    employed_until: datetime.date | None,
) -> AssistantProfile | None:
    """An assistant needs a profile (where they work, since when); a coordinator may have one."""
    profile = AssistantProfile.objects.filter(user=user).first()
    if municipality is None or employed_from is None:
        if user.role == Role.ASSISTANT and profile is None:
            refuse(
                "municipality", _("An assistant needs the municipality where they work and the start of employment.")
            )
        return profile
    if employed_until is not None and employed_until < employed_from:
        refuse("employed_until", _("The end of employment cannot be before its start."))
    if profile is None:
        profile = AssistantProfile(user=user)
    profile.employer, profile.municipality = organisation, municipality
    profile.employed_from, profile.employed_until = employed_from, employed_until
    profile.save()
    profile.localities.set(list(localities))
    return profile


# -- users --------------------------------------------------------------------------------------


def user_create(
    *,
    actor: User,
    site: str,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    organisation: Organisation,
    municipality: Municipality | None = None,
    localities: Iterable[Locality] = (),
    employed_from: datetime.date | None = None,
    employed_until: datetime.date | None = None,
    service: Service | None = None,
    project: Project | None = None,
    funded_from: datetime.date | None = None,
) -> tuple[User, bool]:
    """One step: the account with its role and organisation, the assistant profile with its
    localities, where the work is funded from, and the invitation. The account has no password
    until the invitation is used. Answers the user and whether the invitation mail went."""
    with transaction.atomic():
        _check_grant(actor=actor, role=role, organisation=organisation)
        _check_username(username)
        user = User(
            username=username.strip(),
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            email=email.strip(),
            role=role,
            organisation=organisation,
        )
        user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
        profile = _profile_save(
            user=user,
            organisation=organisation,
            municipality=municipality,
            localities=localities,
            employed_from=employed_from,
            employed_until=employed_until,
        )
        if service is not None:
            if profile is None:
                refuse(
                    "service", _("Funding belongs to an assistant profile: fill in the municipality and employment.")
                )
            if service.organisation_id != organisation.pk or (project and project.organisation_id != organisation.pk):
                refuse("service", _("Choose a service and a project of the user's organisation."))
            programme_services.assignment_create(
                profile=profile, service=service, project=project, valid_from=funded_from or profile.employed_from
            )
        elif project is not None:
            refuse("service", _("A project needs the service the work belongs to."))
        record_event(action=AuditAction.USER_CREATED, obj=user, actor=actor)
        # A new account is a change of access like any other: the organisation's coordinators see
        # it on their start page, so that nobody (an administrator included) quietly gives
        # themselves a second account with access to the clients.
        record_access_change(actor_id=actor.pk, user=user, old_role="", old_organisation_id=None)
        invitation, token = _invitation_new(actor=actor, user=user)
    return user, _invitation_mail(invitation=invitation, token=token, site=site)


@transaction.atomic
def user_update(
    *,
    actor: User,
    user: User,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    organisation: Organisation,
    municipality: Municipality | None = None,
    localities: Iterable[Locality] = (),
    employed_from: datetime.date | None = None,
    employed_until: datetime.date | None = None,
) -> User:
    if (role, organisation.pk) != (user.role, user.organisation_id):
        _check_grant(actor=actor, role=role, organisation=organisation)
        try:
            check_access_change(
                actor_id=actor.pk,
                user=user,
                old_role=user.role,
                old_organisation_id=user.organisation_id,
                role=role,
                organisation_id=organisation.pk,
            )
        except ValidationError as error:
            refuse("role", error.messages[0])
    user.first_name, user.last_name, user.email = first_name.strip(), last_name.strip(), email.strip()
    user.role, user.organisation = role, organisation
    user.full_clean(exclude=["password", "username"])
    # User.save() records a change of role or organisation (accounts.services.record_access_change).
    user.save(update_fields=["first_name", "last_name", "email", "role", "organisation"])
    _profile_save(
        user=user,
        organisation=organisation,
        municipality=municipality,
        localities=localities,
        employed_from=employed_from,
        employed_until=employed_until,
    )
    record_event(action=AuditAction.USER_CHANGED, obj=user, actor=actor)
    return user


@transaction.atomic
def user_deactivate(*, actor: User, user: User, request: HttpRequest | None = None) -> None:
    """The user can no longer sign in: every session and API token ends now, and any open
    invitation is withdrawn. The account and its records stay."""
    if user.pk == actor.pk:
        refuse(None, _("You cannot deactivate your own account."))
    User.objects.select_for_update().filter(pk=user.pk).first()
    user.is_active = False
    user.save(update_fields=["is_active"])
    end_all_sessions(user)
    AuthToken.objects.filter(user=user).delete()
    Invitation.objects.filter(user=user, used_at__isnull=True, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )
    record_event(action=AuditAction.USER_DEACTIVATED, obj=user, actor=actor, request=request)


@transaction.atomic
def user_reactivate(*, actor: User, user: User, request: HttpRequest | None = None) -> None:
    user.is_active = True
    user.save(update_fields=["is_active"])
    record_event(action=AuditAction.USER_REACTIVATED, obj=user, actor=actor, request=request)


# -- invitations --------------------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _invitation_new(*, actor: User, user: User) -> tuple[Invitation, str]:
    """A new link for the user; earlier links stop working."""
    now = timezone.now()
    Invitation.objects.filter(user=user, used_at__isnull=True, withdrawn_at__isnull=True).update(withdrawn_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        user=user,
        token_hash=_hash(token),
        sent_by=actor,
        sent_at=now,
        expires_at=now + datetime.timedelta(days=settings.LIAISON_INVITATION_DAYS),
    )
    record_event(action=AuditAction.INVITATION_SENT, obj=user, actor=actor)
    return invitation, token


def _invitation_mail(*, invitation: Invitation, token: str, site: str) -> bool:
    """Sent after the transaction: a mail server that is down leaves the account saved, and the
    invitation can be sent again. Answers whether the mail went."""
    user = invitation.user
    context = {
        "user": user,
        "link": site.rstrip("/") + reverse("management:invitation_accept", args=[token]),
        "expires_at": invitation.expires_at,
        "sent_by": invitation.sent_by,
    }
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = "".join(render_to_string("management/invitation_subject.txt", context).splitlines())
        body = render_to_string("management/invitation_email.txt", context)
    try:
        EmailMessage(subject, body, None, [user.email]).send()
    except (OSError, smtplib.SMTPException):
        logger.exception("The invitation of user %s could not be sent.", user.pk)
        return False
    return True


def invitation_send(*, actor: User, user: User, site: str) -> bool:
    """Sends the invitation again (a new link; the earlier one stops working)."""
    with transaction.atomic():
        if not user.is_active:
            refuse(None, _("A deactivated user cannot be invited. Reactivate the account first."))
        if user.has_usable_password():
            refuse(None, _("This user has already set a password."))
        if not user.email:
            refuse(None, _("The user has no e-mail address."))
        invitation, token = _invitation_new(actor=actor, user=user)
    return _invitation_mail(invitation=invitation, token=token, site=site)


def invitation_by_token(token: str) -> Invitation | None:
    """The open invitation of an active user whose link this is, or None (unknown, used,
    withdrawn or expired: the page says the same for each)."""
    if not token or len(token) > 100:
        return None
    invitation = Invitation.objects.select_related("user").filter(token_hash=_hash(token)).first()
    if invitation is None or not invitation.is_open or not invitation.user.is_active:
        return None
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, password: str, request: HttpRequest | None = None) -> User:
    """Sets the password and uses up the link (locked: two parallel uses cannot both pass)."""
    invitation = invitation_by_token(token)
    if invitation is not None:
        invitation = Invitation.objects.select_for_update().select_related("user").get(pk=invitation.pk)
    if invitation is None or not invitation.is_open:
        refuse(None, _("This link no longer works. Ask your coordinator or administrator for a new invitation."))
    user = invitation.user
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    record_event(action=AuditAction.INVITATION_USED, obj=user, actor=user, request=request)
    return user


# -- organisations ------------------------------------------------------------------------------


def _check_organisation(name: str, kind: str, region: Region | None, organisation: Organisation | None) -> None:
    others = Organisation.objects.filter(name__iexact=name.strip())
    if organisation is not None:
        others = others.exclude(pk=organisation.pk)
    if others.exists():
        refuse("name", _("An organisation of this name already exists."))
    if kind == Organisation.Kind.POLICE and region is None:
        refuse("region", _("A police regional directorate needs its region."))


@transaction.atomic
def organisation_create(
    *,
    actor: User,
    name: str,
    kind: str,
    region: Region | None = None,
    no_contact_days: int = 30,
    founded_on: datetime.date | None = None,
) -> Organisation:
    if Role(actor.role) != Role.ADMIN:
        refuse(None, _("Only an administrator adds organisations."))
    _check_organisation(name, kind, region, None)
    organisation = Organisation(
        name=name.strip(), kind=kind, region=region, no_contact_days=no_contact_days, founded_on=founded_on
    )
    organisation.full_clean()
    organisation.save()
    record_event(action=AuditAction.ORGANISATION_CREATED, obj=organisation, actor=actor)
    return organisation


@transaction.atomic
def organisation_update(
    *,
    actor: User,
    organisation: Organisation,
    no_contact_days: int,
    founded_on: datetime.date | None,
    name: str | None = None,
    kind: str | None = None,
    region: Region | None = None,
) -> Organisation:
    """A coordinator sets the organisation's own working rules; its name, kind and region are
    the administrator's."""
    fields = ["no_contact_days", "founded_on"]
    if Role(actor.role) == Role.ADMIN and name is not None and kind is not None:
        # The form may have set the new values on the instance already: compare with the stored ones.
        stored_kind = Organisation.objects.filter(pk=organisation.pk).values_list("kind", flat=True).first()
        if kind != stored_kind and organisation.members.exists():
            refuse("kind", _("The kind of an organisation with users cannot change."))
        _check_organisation(name, kind, region, organisation)
        organisation.name, organisation.kind, organisation.region = name.strip(), kind, region
        fields += ["name", "kind", "region"]
    elif organisation.pk != actor.organisation_id and Role(actor.role) != Role.ADMIN:
        refuse(None, _("You can manage only your own organisation."))
    organisation.no_contact_days, organisation.founded_on = no_contact_days, founded_on
    organisation.full_clean()
    organisation.save(update_fields=fields)
    record_event(action=AuditAction.ORGANISATION_CHANGED, obj=organisation, actor=actor)
    return organisation


def organisation_service_create(*, actor: User, organisation: Organisation, **data) -> Service:
    """A service of a new organisation, added by the administrator who sets the organisation up
    (its coordinator manages it afterwards in programmes/)."""
    if not organisation.provides_the_service:
        refuse(None, _("Only a non-governmental organisation or a municipality runs services."))
    with transaction.atomic():
        service = programme_services.service_create(organisation=organisation, **data)
        record_event(action=AuditAction.ORGANISATION_CHANGED, obj=organisation, actor=actor)
    return service


# -- reference lists ----------------------------------------------------------------------------

REFERENCE_MODELS: dict[str, type[models.Model]] = {
    "authorities": Authority,
    "topics": Topic,
    "crime_types": CrimeType,
}


def _check_reference(kind: str, item: models.Model, data: dict) -> None:
    model = REFERENCE_MODELS[kind]
    for field in ("name", "section"):
        if field in data and getattr(model._meta.get_field(field), "unique", False):
            same = model._default_manager.filter(**{f"{field}__iexact": str(data[field]).strip()})
            if item.pk:
                same = same.exclude(pk=item.pk)
            if same.exists():
                refuse(field, _("An item with this value is already in the list."))


@transaction.atomic
def reference_item_save(*, actor: User, kind: str, item: models.Model | None, data: dict) -> models.Model:
    """A new item comes last in the list; an edited one keeps its place."""
    model = REFERENCE_MODELS[kind]
    if item is None:
        item = model()
        last = model._default_manager.aggregate(last=models.Max("ordering"))["last"]
        item.ordering = 0 if last is None else last + 1  # type: ignore[attr-defined]
    _check_reference(kind, item, data)
    for field, value in data.items():
        setattr(item, field, value.strip() if isinstance(value, str) else value)
    item.full_clean()
    item.save()
    record_event(action=AuditAction.REFERENCE_CHANGED, obj=item, actor=actor)
    return item


@transaction.atomic
def reference_item_move(*, actor: User, kind: str, item: models.Model, up: bool) -> None:
    """One place up or down (the list is renumbered 0, 1, 2, ...)."""
    model = REFERENCE_MODELS[kind]
    items = list(model._default_manager.select_for_update().order_by("ordering", "name"))
    position = next(i for i, each in enumerate(items) if each.pk == item.pk)
    other = position - 1 if up else position + 1
    if 0 <= other < len(items):
        items[position], items[other] = items[other], items[position]
    for i, each in enumerate(items):
        each.ordering = i  # type: ignore[attr-defined]
    model._default_manager.bulk_update(items, ["ordering"])
    record_event(action=AuditAction.REFERENCE_CHANGED, obj=item, actor=actor)


@transaction.atomic
def reference_item_toggle(*, actor: User, kind: str, item: models.Model) -> None:
    item.is_active = not item.is_active  # type: ignore[attr-defined]
    item.save(update_fields=["is_active"])
    record_event(action=AuditAction.REFERENCE_CHANGED, obj=item, actor=actor)


@transaction.atomic
def reference_item_delete(*, actor: User, kind: str, item: models.Model) -> None:
    """Only an item no record uses: records keep what they named, so a used one is switched off."""
    in_use = reference_items(actor, kind).filter(pk=item.pk, in_use=True).exists()
    if in_use:
        refuse(
            None,
            _(
                "“%(name)s” is used by records, so it cannot be deleted. "
                "Switch it off instead: it will no longer be offered."
            )
            % {"name": item},
        )
    record_event(action=AuditAction.REFERENCE_CHANGED, obj=item, actor=actor)
    item.delete()


# -- municipalities and socially excluded localities (a shared list, kept by administrators) ------


@transaction.atomic
def municipality_save(*, actor: User, item: Municipality | None, region: Region, name: str) -> Municipality:
    item = item or Municipality()
    name = name.strip()
    if Municipality.objects.filter(region=region, name__iexact=name).exclude(pk=item.pk).exists():
        refuse("name", _("The region already has a municipality of this name."))
    item.region, item.name = region, name
    item.full_clean()
    item.save()
    record_event(action=AuditAction.REFERENCE_CHANGED, obj=item, actor=actor)
    return item


@transaction.atomic
def locality_save(*, actor: User, item: Locality | None, municipality: Municipality, name: str) -> Locality:
    item = item or Locality()
    name = name.strip()
    if Locality.objects.filter(municipality=municipality, name__iexact=name).exclude(pk=item.pk).exists():
        refuse("name", _("The municipality already has a locality of this name."))
    item.municipality, item.name = municipality, name
    item.full_clean()
    item.save()
    record_event(action=AuditAction.REFERENCE_CHANGED, obj=item, actor=actor)
    return item


def place_delete(*, actor: User, item: Municipality | Locality) -> None:
    """Only a place nothing names: a record, a service, an assistant, an organisation or (for a
    municipality) a locality keeps it; a used one is renamed instead."""
    in_use = _(
        "“%(name)s” is named by records, services, assistants or organisations, so it cannot be deleted. "
        "Rename it instead."
    ) % {"name": item}
    if isinstance(item, Locality) and (item.services.exists() or item.assistant_profiles.exists()):
        refuse(None, in_use)
    try:
        with transaction.atomic():
            record_event(action=AuditAction.REFERENCE_CHANGED, obj=item, actor=actor)
            item.delete()
    except models.ProtectedError:
        refuse(None, in_use)
