"""The Redis broker transport, with one fix: a failed acknowledgement frees its prefetch slot.

kombu's Redis QoS removes an acknowledged message from Redis first and forgets it locally only
when that worked. When Redis does not answer (hung, stopped by SIGSTOP, a network stall), the
acknowledgement fails ("Couldn't ack ..."), the message stays counted as delivered, and once as
many acknowledgements failed as the worker may prefetch (concurrency × 1 here) the worker never
asks for work again, while answering pings (drills/test_redis_hung.py saw it happen: jobs queued
for good after Redis resumed). Here the slot is freed whatever Redis answered. The message itself
stays in Redis's unacked set and is delivered again after the visibility timeout; every task is
safe to run twice (a finished report job's second copy is dropped, reports/jobs.py).

Used through CELERY_BROKER_TRANSPORT in liaison/settings.py.
"""

from kombu.transport import redis
from kombu.transport.virtual import base


class QoS(redis.QoS):
    def ack(self, delivery_tag: str) -> None:
        try:
            self._remove_from_indices(delivery_tag).execute()  # type: ignore[attr-defined]  # not in the stubs
        finally:
            base.QoS.ack(self, delivery_tag)

    def reject(self, delivery_tag: str, requeue: bool = False) -> None:
        try:
            if requeue:
                self.restore_by_tag(delivery_tag, leftmost=True)
            else:
                self._remove_from_indices(delivery_tag).execute()  # type: ignore[attr-defined]  # not in the stubs
        finally:
            base.QoS.ack(self, delivery_tag)


class Channel(redis.Channel):
    QoS = QoS


class Transport(redis.Transport):
    Channel = Channel
