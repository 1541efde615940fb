"""`{% submission_key %}`: the one-time key of a create form (common/submissions.py)."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from common.submissions import FIELD_NAME, new_key, valid_key

register = template.Library()


@register.simple_tag(takes_context=True)
def submission_key(context: template.Context) -> SafeString:
    """A new key for a new form; the same key when the form comes back with errors, so that
    the corrected form, however often it is sent, still saves once."""
    request = context.get("request")
    posted = request.POST.get(FIELD_NAME) if request is not None and request.method == "POST" else None
    key = posted if valid_key(posted) else new_key()
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD_NAME, key)
