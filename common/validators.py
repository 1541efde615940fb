import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A clock a few minutes fast on a phone must not reject a record made "now".
CLOCK_SKEW = datetime.timedelta(minutes=5)


def validate_not_in_future(value: datetime.date | datetime.datetime) -> None:
    if isinstance(value, datetime.datetime):
        if value > timezone.now() + CLOCK_SKEW:
            raise ValidationError(_("The date and time cannot be in the future."), code="future")
    elif value > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."), code="future")
