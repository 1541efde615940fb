"""`Idempotency-Key` for the API's creates: the same key sent twice makes one record.

The second request (a client's retry after a timeout or a dropped connection) waits for the
first to commit and gets the record the first made, with `Idempotent-Replayed: true`; the key
is per user, kept a week (common/submissions.py, which the pages' create forms use too)."""

from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from common.submissions import claim, earlier, valid_key

HEADER = "Idempotency-Key"


class IdempotentCreateMixin:
    """For a viewset with CreateModelMixin whose queryset is the user's scoped records."""

    def create(self, request: Request, *args, **kwargs) -> Response:
        key = request.headers.get(HEADER)
        if key is None:
            return super().create(request, *args, **kwargs)  # type: ignore[misc]
        if not valid_key(key):
            raise ValidationError(
                {HEADER: _("The Idempotency-Key must be 8 to 64 letters, digits, dashes or underscores.")}
            )
        with transaction.atomic():
            submission = claim(request.user, key)
            if submission is None:
                done = earlier(request.user, key)
                if done is not None and done.object_id is not None:
                    record = self.get_queryset().filter(pk=done.object_id).first()  # type: ignore[attr-defined]
                    if record is not None:
                        data = self.get_serializer(record).data  # type: ignore[attr-defined]
                        return Response(data, status=status.HTTP_201_CREATED, headers={"Idempotent-Replayed": "true"})
                return super().create(request, *args, **kwargs)  # type: ignore[misc]
            response = super().create(request, *args, **kwargs)  # type: ignore[misc]
            record_id = response.data.get("id") if isinstance(response.data, dict) else None
            if response.status_code == status.HTTP_201_CREATED and record_id is not None:
                submission.object_id = record_id
                submission.save(update_fields=["object_id"])
            else:
                transaction.set_rollback(True)
            return response
