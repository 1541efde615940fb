"""What a document needs besides its client or case: the contact of an accompaniment, the
referral, or the recipient of a consent."""

from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from cases.models import Case
from cases.selectors import visible_referrals
from contacts.selectors import visible_contacts

from .models import DocumentKind
from .templating import check_template

# Kinds made from a case only: they speak of what happened in it.
CASE_ONLY = frozenset(
    {DocumentKind.CRIMINAL_COMPLAINT, DocumentKind.ACCOMPANIMENT_RECORD, DocumentKind.REFERRAL_LETTER}
)


class ContactChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        when = timezone.localtime(obj.occurred_at).strftime("%-d. %-m. %Y %H:%M")
        return f"{when} – {obj.authority.name}" if obj.authority else when


class DocumentForm(forms.Form):
    contact = ContactChoice(
        label=_("Accompaniment (contact of the case)"),
        queryset=None,
        required=False,
        help_text=_("Its date, authority and outcome fill the record; without it they are left to fill in by hand."),
    )
    referral: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Referral of the case"),
        queryset=None,
        required=False,
        help_text=_("Its service and provider fill the letter; without it they are left to fill in by hand."),
    )
    recipient = forms.CharField(label=_("Recipient"), max_length=200, required=False)

    def __init__(self, *args, kind: str, user: User, case: Case | None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if kind == DocumentKind.ACCOMPANIMENT_RECORD and case is not None:
            contacts = visible_contacts(user).filter(case=case).select_related("authority").order_by("-occurred_at")
            cast(forms.ModelChoiceField, self.fields["contact"]).queryset = contacts
            self.initial.setdefault("contact", contacts.first())
        else:
            del self.fields["contact"]
        if kind == DocumentKind.REFERRAL_LETTER and case is not None:
            referrals = visible_referrals(user).filter(case=case).order_by("-proposed_on", "-id")
            cast(forms.ModelChoiceField, self.fields["referral"]).queryset = referrals
            self.initial.setdefault("referral", referrals.first())
        else:
            del self.fields["referral"]
        if kind == DocumentKind.CONSENT_ORGANISATION:
            self.fields["recipient"].required = True
            self.fields["recipient"].label = _("Organisation receiving the information")
            self.fields["recipient"].help_text = _("e.g. Bílý kruh bezpečí, z. s., or the client's school")
        elif kind == DocumentKind.CONSENT_POLICE:
            self.fields["recipient"].label = _("Police unit")
            self.fields["recipient"].help_text = _(
                "e.g. Obvodní oddělení Brno-střed; left empty, Policie ČR in general"
            )
            if case is not None and case.police_unit:
                self.initial.setdefault("recipient", case.police_unit)
        else:
            del self.fields["recipient"]


class TemplateUploadForm(forms.Form):
    file = forms.FileField(label=_("Template (DOCX)"))
    file_name = ""

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith(".docx"):
            raise ValidationError(_("This is not a DOCX document. Save the template in Word format (.docx)."))
        self.file_name = upload.name
        content = upload.read(2 * 1024 * 1024 + 1)
        check_template(content)
        return content
