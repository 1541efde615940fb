"""A worker keeps taking work after Redis failed to answer an acknowledgement (liaison/broker.py).

kombu's own Redis QoS keeps a message counted as delivered when its acknowledgement fails; with
the prefetch limit reached the worker never fetches again. Against the real Redis of the suite."""

import uuid

import pytest
import redis
from django.conf import settings
from kombu import Connection

from liaison.broker import QoS


class _Unanswered:
    def execute(self):
        raise redis.exceptions.TimeoutError("Timeout reading from socket")


@pytest.fixture
def channel():
    if not settings.REDIS_URL:
        pytest.skip("needs Redis (make test sets REDIS_URL)")
    with Connection(settings.REDIS_URL, transport=settings.CELERY_BROKER_TRANSPORT) as connection:
        channel = connection.channel()
        channel.basic_qos(prefetch_size=0, prefetch_count=1, apply_global=False)  # type: ignore[attr-defined]
        yield channel


def _delivered(channel):
    queue = channel.connection.client.SimpleQueue(f"ack-test-{uuid.uuid4().hex}", channel=channel)
    queue.put({"n": 1})
    message = queue.get(timeout=5)
    return queue, message


def test_the_project_uses_its_transport(channel):
    assert isinstance(channel.qos, QoS)


def test_a_failed_acknowledgement_frees_the_prefetch_slot(channel, monkeypatch):
    queue, message = _delivered(channel)
    assert not channel.qos.can_consume()  # the one slot is taken
    monkeypatch.setattr(channel.qos, "_remove_from_indices", lambda tag, pipe=None: _Unanswered())
    with pytest.raises(redis.exceptions.TimeoutError):
        message.ack()  # Celery logs "Couldn't ack" and goes on
    assert channel.qos.can_consume(), "the worker would never ask for work again"
    queue.clear()


def test_a_failed_rejection_frees_the_slot_too(channel, monkeypatch):
    queue, message = _delivered(channel)
    monkeypatch.setattr(channel.qos, "_remove_from_indices", lambda tag, pipe=None: _Unanswered())
    with pytest.raises(redis.exceptions.TimeoutError):
        message.reject()
    assert channel.qos.can_consume()
    queue.clear()
