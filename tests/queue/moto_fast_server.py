"""moto's server with one cost of moto 5.2's SQS taken away, so thousands of messages stay
testable: every SendMessage reads all queue attributes (for ContentBasedDeduplication), which
counts the visible, in-flight and delayed messages, and each message's visibility check takes a
UTC timestamp through datetime arithmetic (~15 us). A queue of 5,000 messages then accepts ~10
messages a second. Here the SQS models' clock is time.time() (the same epoch milliseconds, without
the datetime round trip); behaviour is unchanged, the counts are still exact.

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


_original = sqs_models.unix_time_millis
sqs_models.unix_time_millis = _unix_time_millis

if __name__ == "__main__":
    main(["-H", sys.argv[1], "-p", sys.argv[2]])
