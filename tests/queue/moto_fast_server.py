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

Usage: moto_fast_server.py PORT_FILE: on 127.0.0.1 and a port the kernel assigns, written to
PORT_FILE once listening (testutil/moto_serve.py; wait_for_port() there reads it).
"""

import os
import sys
import time

import moto.sqs.models as sqs_models

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "testutil"))
import moto_serve  # noqa: E402


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
    if len(sys.argv) != 2:
        sys.exit("usage: moto_fast_server.py PORT_FILE")
    moto_serve.serve(sys.argv[1])
