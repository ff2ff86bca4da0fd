"""Shared by the queue-mode tests: moto's server (real S3 and SQS HTTP APIs, with S3 event
notifications delivered into SQS by moto itself), boto3 clients as the oracle, and the real
s3proc binary run in queue mode."""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import uuid
import warnings

import boto3
from botocore.config import Config

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "testutil"))
import moto_serve  # noqa: E402
import s3proc_e2e  # noqa: E402

warnings.simplefilter("ignore", ResourceWarning)

BINARY = os.environ.get("S3PROC_BINARY", "")
REGION = "us-east-1"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "s3proc-queue-test", "AWS_SECRET_ACCESS_KEY": "queue-secret"}


class Moto:
    """moto's server (moto_fast_server.py: SQS's clock made cheap) on a loopback port the kernel
    assigns as it binds, for the life of a test class."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="moto-")
        self.log = open(os.path.join(self.dir, "moto.log"), "w")
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(os.path.dirname(__file__), "moto_fast_server.py"),
             os.path.join(self.dir, "port")],
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            self.port = moto_serve.wait_for_port(os.path.join(self.dir, "port"), self.proc, 30)
        except RuntimeError as e:
            raise RuntimeError(f"{e}; see {self.log.name}") from None
        self.endpoint = f"http://127.0.0.1:{self.port}"

    def client(self, service, endpoint=None):
        return boto3.client(service, endpoint_url=endpoint or self.endpoint, region_name=REGION,
                            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
                            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
                            config=Config(s3={"addressing_style": "path"},
                                          max_pool_connections=32))

    def stop(self):
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=20)
        self.log.close()
        shutil.rmtree(self.dir)


def new_queue(sqs, visibility=30, max_receive_count=None):
    """A queue (and a dead-letter queue when max_receive_count is set): (url, arn, dlq_url)."""
    name = "q-" + uuid.uuid4().hex[:12]
    attributes = {"VisibilityTimeout": str(visibility)}
    dlq_url = None
    if max_receive_count:
        dlq_url = sqs.create_queue(QueueName=name + "-dlq")["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]
        attributes["RedrivePolicy"] = json.dumps(
            {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(max_receive_count)})
    url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"]
    return url, arn, dlq_url


def notify(s3, bucket, queue_arn, prefix="input/"):
    """Has the bucket send ObjectCreated events under `prefix` to the queue (moto sends an
    s3:TestEvent first, as AWS does)."""
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={
        "QueueConfigurations": [{
            "QueueArn": queue_arn, "Events": ["s3:ObjectCreated:*"],
            "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": prefix}]}}}]})


def new_bucket(s3, versioned=True):
    name = "qb-" + uuid.uuid4().hex[:16]
    s3.create_bucket(Bucket=name)
    if versioned:
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return name


def queue_counts(sqs, url):
    a = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    return int(a["ApproximateNumberOfMessages"]), int(a["ApproximateNumberOfMessagesNotVisible"])


def keys(s3, bucket, prefix=""):
    out = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        out.extend(o["Key"] for o in page.get("Contents", []))
    return out


def versions(s3, bucket, prefix=""):
    """{key: number of versions} under prefix (delete markers excluded)."""
    out = {}
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=prefix):
        for v in page.get("Versions", []):
            out[v["Key"]] = out.get(v["Key"], 0) + 1
    return out


def s3proc_env(s3_endpoint, sqs_endpoint):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "S3PROC_"))}
    env.update(CREDENTIALS)
    env.update({"AWS_REGION": REGION, "AWS_ENDPOINT_URL_S3": s3_endpoint,
                "AWS_ENDPOINT_URL_SQS": sqs_endpoint, "AWS_EC2_METADATA_DISABLED": "true"})
    return env


def command(bucket, queue_url, work_dir, *args, wait=1, visibility=None):
    """`s3proc run` in queue mode; `args` go last (an exec command after "--"). Without
    `visibility`, s3proc uses the queue's own visibility timeout."""
    given = [] if visibility is None else ["--queue-visibility-seconds", str(visibility)]
    return [BINARY, "run", "--bucket", bucket, "--queue-url", queue_url, "--work-dir", work_dir,
            "--log-format", "json", "--queue-wait-seconds", str(wait), *given, *args]


def run(bucket, queue_url, work_dir, env, *args, timeout=600, **options):
    """Runs one queue-mode pass; returns (exit code, stderr)."""
    proc = subprocess.run(command(bucket, queue_url, work_dir, *args, **options),
                          capture_output=True, text=True, timeout=timeout, env=env)
    return proc.returncode, proc.stderr


# The JSON log lines and the summary, read as the listing-mode end-to-end tests read them.
records = s3proc_e2e.events
summary = s3proc_e2e.summary
wait_for = s3proc_e2e.wait_for
