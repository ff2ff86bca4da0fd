#!/usr/bin/python3
"""An input re-uploaded while s3proc processes it, on an unversioned bucket of moto's S3 (which
honours If-Match on DeleteObject): the delete that follows must leave the new bytes in input/, and
the next run processes them. The real binary, in listing mode; boto3 re-uploads and checks.

The processor (exec) waits on a fifo, so the re-upload happens while the object is in work, with
no sleep: the test re-uploads, then opens the fifo to let the processor finish.

Needs the moto_sqs fixture (S3PROC_TEST_MOTO_DIR): skips (77) when it found no moto, unless
CI=true, where that is a failure."""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import uuid

import boto3
from botocore.config import Config

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools", "fault_proxy"))
import fault_proxy  # noqa: E402
import s3proc_e2e as e2e  # noqa: E402

BINARY = os.environ.get("S3PROC_BINARY", "")
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "s3proc-replaced-test", "AWS_SECRET_ACCESS_KEY": "secret"}


def moto_endpoint():
    """The fixture's moto, or exits 77 (1 with CI=true) when there is none."""
    endpoint = os.environ.get("S3PROC_TEST_MOTO_ENDPOINT", "")
    directory = os.environ.get("S3PROC_TEST_MOTO_DIR", "")
    if not endpoint and directory and os.path.exists(os.path.join(directory, "endpoint")):
        with open(os.path.join(directory, "endpoint")) as f:
            endpoint = f.read().strip()
    if endpoint:
        return endpoint
    why = "run through ctest (the moto_sqs fixture)"
    if directory and os.path.exists(os.path.join(directory, "unavailable")):
        with open(os.path.join(directory, "unavailable")) as f:
            why = f.read().strip()
    if os.environ.get("CI") in ("true", "1"):
        sys.exit(f"FAILED: no moto: {why}")
    print(f"SKIP: no moto: {why}")
    sys.exit(77)


class ReplacedInput(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.endpoint = moto_endpoint()
        cls.s3 = boto3.client("s3", endpoint_url=cls.endpoint, region_name="us-east-1",
                              aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
                              aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
                              config=Config(s3={"addressing_style": "path"}))

    def setUp(self):
        self.bucket = "replaced-" + uuid.uuid4().hex[:16]
        self.s3.create_bucket(Bucket=self.bucket)  # unversioned
        self.tmp = tempfile.mkdtemp(prefix="s3proc-replaced-")
        self.work = os.path.join(self.tmp, "work")
        self.started = os.path.join(self.tmp, "started")
        self.gate = os.path.join(self.tmp, "gate")
        os.mkfifo(self.gate)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def command(self, *processor, endpoint=None):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "S3PROC_"))}
        env.update(CREDENTIALS)
        env.update({"AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true"})
        argv = [BINARY, "run", "--bucket", self.bucket, "--work-dir", self.work,
                "--endpoint-url", endpoint or self.endpoint, "--log-format", "json",
                "--route", "*.json=exec", "--exec-timeout-seconds", "120", "--", *processor]
        return argv, env

    def body(self, key):
        return self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()

    def test_a_reupload_during_processing_survives_for_the_next_run(self):
        self.s3.put_object(Bucket=self.bucket, Key="input/k.json", Body=b'{"v": 1}\n')
        # Tells the test it holds the first bytes (on stdin), then waits for the gate to open.
        argv, env = self.command("sh", "-c", ': > "$0"; read go < "$1"; cat', self.started,
                                 self.gate)
        first = subprocess.Popen(argv, stderr=subprocess.PIPE, text=True, env=env)
        try:
            e2e.wait_for(lambda: os.path.exists(self.started) or first.poll() is not None,
                         "the processor holding input/k.json", timeout=60)
            self.assertIsNone(first.poll(), "s3proc ended before processing input/k.json")
            self.s3.put_object(Bucket=self.bucket, Key="input/k.json", Body=b'{"v": 2}\n')
            with open(self.gate, "w") as gate:
                gate.write("go\n")
            _, err = first.communicate(timeout=120)
        finally:
            if first.poll() is None:
                first.kill()
                first.wait()
        self.assertEqual(first.returncode, 0, err[-3000:])
        summary = e2e.summary(err)
        self.assertEqual((summary["done"], summary["failed"]), (1, 0), err[-3000:])
        self.assertEqual(self.body("output/k.json"), b'{"v": 1}\n')
        self.assertEqual(self.body("input/k.json"), b'{"v": 2}\n', "the new bytes are kept")
        self.assertTrue(any("was replaced while s3proc processed it" in e.get("msg", "")
                            for e in e2e.events(err)), err[-3000:])

        argv, env = self.command("cat")
        second = subprocess.run(argv, capture_output=True, text=True, timeout=120, env=env)
        self.assertEqual(second.returncode, 0, second.stderr[-3000:])
        self.assertEqual(e2e.summary(second.stderr)["done"], 1, second.stderr[-3000:])
        self.assertEqual(self.body("output/k.json"), b'{"v": 2}\n')
        self.assertEqual(e2e.keys(self.s3, self.bucket, "input/"), [])

    def run_once(self, failing_deletes=False):
        """One run with `cat` as the processor; every delete fails when asked. Returns it."""
        proxy = None
        endpoint = self.endpoint
        if failing_deletes:
            proxy = fault_proxy.FaultProxy(self.endpoint.split("://", 1)[1],
                                           [fault_proxy.Rule.parse("delete,delete_batch:500=1")])
            endpoint = f"http://127.0.0.1:{proxy.start_in_thread()}"
        try:
            argv, env = self.command("cat", endpoint=endpoint)
            return subprocess.run(argv, capture_output=True, text=True, timeout=120, env=env)
        finally:
            if proxy:
                proxy.stop()

    def check_earlier_version_is_not_processed_twice(self, newer_delete_fails):
        # Versioned: deleting the newer version by its id makes the earlier one current again;
        # it was processed, so it must go with the newer one, not be processed again.
        self.s3.put_bucket_versioning(Bucket=self.bucket,
                                      VersioningConfiguration={"Status": "Enabled"})
        self.s3.put_object(Bucket=self.bucket, Key="input/k.json", Body=b'{"v": 1}\n')
        first = self.run_once(failing_deletes=True)
        self.assertEqual(first.returncode, 1, first.stderr[-3000:])  # its delete failed
        self.assertEqual(self.body("output/k.json"), b'{"v": 1}\n')
        self.s3.put_object(Bucket=self.bucket, Key="input/k.json", Body=b'{"v": 2}\n')
        if newer_delete_fails:
            second = self.run_once(failing_deletes=True)
            self.assertEqual(second.returncode, 1, second.stderr[-3000:])
        for _ in range(2):
            run = self.run_once()
            self.assertEqual(run.returncode, 0, run.stderr[-3000:])
        self.assertEqual(e2e.keys(self.s3, self.bucket, "input/"), [])
        self.assertEqual(self.body("output/k.json"), b'{"v": 2}\n', "the newest input's output")
        versions = self.s3.list_object_versions(Bucket=self.bucket, Prefix="output/")["Versions"]
        self.assertEqual(len(versions), 2, "one output per input version")

    def test_an_earlier_version_left_by_a_failed_delete_is_not_processed_twice(self):
        self.check_earlier_version_is_not_processed_twice(newer_delete_fails=False)

    def test_so_when_the_newer_versions_delete_failed_too(self):
        self.check_earlier_version_is_not_processed_twice(newer_delete_fails=True)

if __name__ == "__main__":
    unittest.main(verbosity=2)
