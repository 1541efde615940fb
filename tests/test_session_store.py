"""The session store tells a database outage from a session deleted by a concurrent request."""

from unittest import mock

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.db import OperationalError
from django.db.models import Model

from liaison.session_store import SessionStore


@pytest.mark.django_db
def test_outage_while_saving_a_session_is_an_outage():
    store = SessionStore()
    store["x"] = 1
    store.save(must_create=True)
    store["x"] = 2
    with mock.patch.object(Model, "save", side_effect=OperationalError("server closed the connection")):
        with pytest.raises(OperationalError):
            store.save()


@pytest.mark.django_db
def test_a_session_deleted_meanwhile_is_still_an_update_error():
    store = SessionStore()
    store["x"] = 1
    store.save(must_create=True)
    SessionStore(session_key=store.session_key).delete()
    store["x"] = 2
    with pytest.raises(UpdateError):
        store.save()
