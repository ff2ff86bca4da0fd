"""Queue mode with S3 on the local Ceph RGW (a real S3 server) and SQS on moto: the events are
written by this test in AWS's documented format (RGW has no SQS), so the S3 side of queue mode is
tested against the same server as listing mode."""

import json
import os
import shutil
import sys
import tempfile
import unittest
import urllib.parse
import uuid

import boto3
from botocore.config import Config

sys.path.insert(0, os.path.dirname(__file__))
import queue_harness as h  # noqa: E402

RGW = os.environ.get("AWS_ENDPOINT_URL", "")


def event(bucket, key, size, etag, name="ObjectCreated:Put"):
    """An S3 event notification as AWS documents it (notification-content-structure.html): the
    key URL-encoded with '+' for a space."""
    return json.dumps({"Records": [{
        "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
        "eventTime": "2026-12-01T10:00:00.000Z", "eventName": name,
        "s3": {"s3SchemaVersion": "1.0", "configurationId": "input",
               "bucket": {"name": bucket, "arn": "arn:aws:s3:::" + bucket},
               "object": {"key": urllib.parse.quote_plus(key, safe="/"), "size": size,
                          "eTag": etag, "sequencer": "0055AED6DCD90281E5"}}}]})


class QueueModeOnRgw(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not RGW:
            raise SystemExit("AWS_ENDPOINT_URL is not set: run through ctest (local_s3 fixture)")
        cls.moto = h.Moto()
        cls.sqs = cls.moto.client("sqs")
        cls.s3 = boto3.client("s3", endpoint_url=RGW, region_name="us-east-1",
                              config=Config(s3={"addressing_style": "path"}))
        cls.env = {**h.s3proc_env(RGW, cls.moto.endpoint),
                   "AWS_ACCESS_KEY_ID": os.environ["AWS_ACCESS_KEY_ID"],
                   "AWS_SECRET_ACCESS_KEY": os.environ["AWS_SECRET_ACCESS_KEY"]}

    @classmethod
    def tearDownClass(cls):
        cls.moto.stop()

    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="s3proc-queue-rgw-")
        self.bucket = "qr-" + uuid.uuid4().hex[:16]
        self.s3.create_bucket(Bucket=self.bucket)
        self.queue, _, _ = h.new_queue(self.sqs)

    def tearDown(self):
        shutil.rmtree(self.work, ignore_errors=True)

    def drop(self, key, body):
        put = self.s3.put_object(Bucket=self.bucket, Key=key, Body=body)
        self.sqs.send_message(QueueUrl=self.queue, MessageBody=event(
            self.bucket, key, len(body), put["ETag"].strip('"')))

    def test_events_drive_the_pipeline_on_rgw(self):
        self.sqs.send_message(QueueUrl=self.queue, MessageBody=json.dumps(
            {"Service": "Amazon S3", "Event": "s3:TestEvent", "Bucket": self.bucket}))
        keys = ["input/a.json", "input/with space+plus%.json", "input/ünï/cödé.json"]
        for key in keys:
            self.drop(key, b'{"v": 1}')
        self.drop("input/bad.json", b"{oops")
        # A duplicate of the first event, and one for a key that was never there.
        put = self.s3.head_object(Bucket=self.bucket, Key=keys[0])
        self.sqs.send_message(QueueUrl=self.queue, MessageBody=event(
            self.bucket, keys[0], 8, put["ETag"].strip('"')))
        self.sqs.send_message(QueueUrl=self.queue,
                              MessageBody=event(self.bucket, "input/never.json", 1, "x"))
        rc, err = h.run(self.bucket, self.queue, self.work, self.env)
        self.assertEqual(rc, 0, err[-3000:])
        s = h.summary(err)
        self.assertEqual((s["done"], s["rejected"], s["failed"]), (3, 1, 0), err[-3000:])
        out = set(h.keys(self.s3, self.bucket, "output/"))
        self.assertEqual(out, {"output/" + k[len("input/"):] for k in keys})
        self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key="errors/bad.json")["Body"]
                         .read(), b"{oops")
        self.assertEqual(h.keys(self.s3, self.bucket, "input/"), [])
        self.assertEqual(h.queue_counts(self.sqs, self.queue), (0, 0))


if __name__ == "__main__":
    unittest.main(verbosity=2)
