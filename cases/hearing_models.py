"""Hearings and appointments at authorities on a case: a court's main hearing, an interview at
the police, a meeting at an office. The assistant often accompanies the client there.

The place is free text: the reference list of authorities belongs to the contacts, a layer
above the cases. Writes are in cases.hearings, reads in cases.selectors (`visible_hearings`)."""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.crypto import EncryptedTextField

# How long a hearing is taken to last where nothing else is known (the calendar feed).
DEFAULT_DURATION = datetime.timedelta(hours=1)


class HearingKind(models.TextChoices):
    COURT_MAIN_HEARING = "court_main_hearing", _("Main hearing at court")
    COURT_OTHER = "court_other", _("Other court hearing")
    POLICE_INTERVIEW = "police_interview", _("Interview at the police")
    OFFICE_MEETING = "office_meeting", _("Meeting at an office")
    OTHER = "other", _("Other appointment")


class Hearing(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="hearings", verbose_name=_("case"))
    kind = models.CharField(_("kind"), max_length=30, choices=HearingKind.choices)
    starts_at = models.DateTimeField(_("starts at"))
    place = models.CharField(
        _("place"),
        max_length=200,
        help_text=_("The authority and its address, e.g. Okresní soud Brno-venkov, Polní 39"),
    )
    accompanied = models.BooleanField(_("the assistant accompanies the client"), default=True)
    # Internal to the organisation, never shown to the police.
    note = EncryptedTextField(_("note"), max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")
        indexes = [models.Index(fields=["starts_at", "case"], name="hearing_starts_idx")]

    def __str__(self) -> str:  # never the note: it is encrypted for a reason
        return f"{self.get_kind_display()} {self.pk}"
