"""moto's server with two costs of moto 5.2's SQS taken away, so thousands of messages stay
testable (the fleet test holds 5,000):

1. Every SendMessage reads all queue attributes (for ContentBasedDeduplication), which counts the
   visible, in-flight and delayed messages, and each message's visibility check takes a UTC
   timestamp through datetime arithmetic (~15 us): a queue of 5,000 messages accepts ~10 messages
   a second. Here the SQS models' clock is time.time() (the same epoch milliseconds, without the
   datetime round trip).
2. ReceiveMessage checks each message it hands out against the retention period by reading all
   queue attributes (those three counts again): ~0.8 s per receive at 3,000 messages. Here the
   check reads the queue's retention period directly.

Behaviour is unchanged: the same checks, the counts still exact.

Usage: moto_fast_server.py HOST PORT (as `python3 -m moto.server -H HOST -p PORT`).
"""

import sys
import time

import moto.sqs.models as sqs_models
from moto.server import main


def _unix_time_millis(dt=None):
    if dt is not None:  # moto's signature: a given datetime is converted, not the clock read
        return _original(dt)
    return time.time() * 1000.0


def _within_retention(self, queue_name, message):
    retention = int(self.get_queue(queue_name).message_retention_period)
    return retention + message.sent_timestamp / 1000 > time.time()


_original = sqs_models.unix_time_millis
sqs_models.unix_time_millis = _unix_time_millis
sqs_models.SQSBackend.is_message_valid_based_on_retention_period = _within_retention

if __name__ == "__main__":
    main(["-H", sys.argv[1], "-p", sys.argv[2]])
