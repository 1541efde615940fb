"""The daily digest: what needs doing, mailed to each user who asked for it, in their language.

The mail carries counts, first names of named clients and links into the application, nothing
else of a person (no last names, nicknames, task titles, authorities or case titles): a mail
leaves the system and may be read on any device. Each mail is recorded in the audit trail as a
list read of the records it names, by the user it went to."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.models import User
from audit.services import record_list

from .count import store_total
from .selectors import shown_records, shown_sections

logger = logging.getLogger(__name__)


def digest_recipients():
    return User.objects.filter(daily_digest=True, is_active=True).exclude(email="").select_related("organisation")


def send_digest(user: User) -> bool:
    """Mails the user's digest; nothing when nothing needs doing. Answers whether a mail went."""
    with translation.override(user.language):
        shown = shown_sections(user, timezone.localdate())
        total = sum(entry.total for entry in shown)
        store_total(user, total)
        if not total:
            return False
        context = {"user": user, "sections": [e for e in shown if e.total], "total": total, "site": settings.SITE_URL}
        subject = "".join(render_to_string("attention/digest_subject.txt", context).splitlines())
        body = render_to_string("attention/digest_body.txt", context)
    EmailMessage(subject, body, None, [user.email]).send()
    for model, records in shown_records(shown).items():
        if records:
            record_list(None, model, records, actor=user)
    return True


def send_digests() -> int:
    """Every digest of the day; a failure for one user does not keep the others' from going."""
    sent = 0
    for user in digest_recipients().iterator():
        try:
            sent += send_digest(user)
        except Exception:  # one bad address or a mail server hiccup: log it, go on
            logger.exception("The daily digest of user %s was not sent.", user.pk)
    return sent
