"""Document templates of an organisation, and the PDFs made from filled-in documents."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation


class DocumentKind(models.TextChoices):
    CRIMINAL_COMPLAINT = "criminal_complaint", _("Criminal complaint (draft)")
    POWER_OF_ATTORNEY = "power_of_attorney", _("Power of attorney")
    CONSENT_POLICE = "consent_police", _("Consent and release from confidentiality (police)")
    CONSENT_ORGANISATION = "consent_organisation", _("Consent and release from confidentiality (another organisation)")
    ACCOMPANIMENT_RECORD = "accompaniment_record", _("Record of an accompaniment")
    REFERRAL_LETTER = "referral_letter", _("Referral letter")


class DocumentTemplate(models.Model):
    """An organisation's own template of one kind, replacing the default shipped in
    documents/default_templates/. Templates hold no personal data: the bytes are kept in the row."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="document_templates", verbose_name=_("organisation")
    )
    kind = models.CharField(_("kind of document"), max_length=30, choices=DocumentKind.choices)
    file_name = models.CharField(_("file name"), max_length=150)
    content = models.BinaryField(_("content"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now=True)

    class Meta:
        ordering = ["organisation", "kind"]
        verbose_name = _("document template")
        verbose_name_plural = _("document templates")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind"], name="document_template_one_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.file_name})"


class PdfRender(models.Model):
    """A filled-in document being turned into a PDF by the worker (documents/tasks.py). Both
    files are kept encrypted under PRIVATE_MEDIA_ROOT/documents, for a day
    (documents.services.renders_clean_up)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("created by")
    )
    kind = models.CharField(_("kind of document"), max_length=30, choices=DocumentKind.choices)
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="+", verbose_name=_("client"))
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("case")
    )
    file_name = models.CharField(_("file name"), max_length=150)
    docx_stored_name = models.CharField(max_length=64, editable=False)
    pdf_stored_name = models.CharField(max_length=64, blank=True, editable=False)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    error_message = models.CharField(_("error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("PDF of a document")
        verbose_name_plural = _("PDFs of documents")

    def __str__(self) -> str:
        return self.file_name

    @property
    def is_finished(self) -> bool:
        return self.state != self.State.QUEUED
