"""Shared helpers of the end-to-end tests: the real s3proc binary against the local RGW, with
boto3 (Debian's python3-boto3, an oracle we did not write) seeding and reading the bucket."""

import json
import os
import shutil
import subprocess
import tempfile
import time
import uuid
import warnings

import boto3
from botocore.config import Config

# boto3 keeps pooled sockets open until exit; that is not a finding of ours.
warnings.simplefilter("ignore", ResourceWarning)

ENDPOINT = os.environ.get("AWS_ENDPOINT_URL", "")
BINARY = os.environ.get("S3PROC_BINARY", "")


def s3_client():
    if not ENDPOINT:
        raise SystemExit("AWS_ENDPOINT_URL is not set: run through ctest (local_s3 fixture)")
    return boto3.client(
        "s3",
        endpoint_url=ENDPOINT,
        region_name=os.environ.get("AWS_REGION", "us-east-1"),
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 3},
                      max_pool_connections=32),
    )


def new_bucket(s3, versioned=False):
    name = "e2e-" + uuid.uuid4().hex[:16]
    s3.create_bucket(Bucket=name)
    if versioned:
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return name


def all_objects(s3, bucket, prefix=""):
    """{key: body bytes} of everything under prefix."""
    out = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for o in page.get("Contents", []):
            out[o["Key"]] = s3.get_object(Bucket=bucket, Key=o["Key"])["Body"].read()
    return out


def keys(s3, bucket, prefix=""):
    out = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        out.extend(o["Key"] for o in page.get("Contents", []))
    return out


class WorkDir:
    def __init__(self):
        self.path = tempfile.mkdtemp(prefix="s3proc-e2e-")

    def cleanup(self):
        shutil.rmtree(self.path, ignore_errors=True)


def run(bucket, work_dir, *args, timeout=600, env=None):
    """Runs `s3proc run` once; returns (exit code, stdout, stderr)."""
    cmd = [BINARY, "run", "--bucket", bucket, "--work-dir", work_dir,
           "--endpoint-url", ENDPOINT, "--log-format", "json", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})
    return proc.returncode, proc.stdout, proc.stderr


def wait_for(condition, what, timeout=30, interval=0.05):
    """Polls condition() until it returns a true value, and returns that value. Raises
    AssertionError naming `what` when `timeout` seconds pass first. Use it where a test would
    sleep for "long enough": it waits for the condition itself, as long as needed and no longer."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"{what}: still not so after {timeout} s")
        time.sleep(interval)


def events(stderr):
    """The JSON log records s3proc wrote."""
    out = []
    for line in stderr.splitlines():
        line = line.strip()
        if line.startswith("{"):
            out.append(json.loads(line))
    return out


def summary(stderr):
    for e in events(stderr):
        if e.get("event") == "summary":
            return e
    raise AssertionError("no summary line in:\n" + stderr[-3000:])
