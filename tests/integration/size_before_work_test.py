#!/usr/bin/python3
"""Size before work, with the real binary against the local RGW: an object larger than
max_object_bytes, or than the work dir's free space, is never downloaded; S3 copies it to
errors/ (at once for the first, after max_attempts for the second) with the reason, and its
input is deleted. A recording proxy (tools/fault_proxy, no faults) between s3proc and RGW shows
that no GET of it was sent.

The free-space case mounts a 1 MiB tmpfs as the work dir: it needs root (skipped without)."""

import json
import os
import subprocess
import sys
import tempfile
import threading
import unittest
from urllib.parse import urlsplit

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools", "fault_proxy"))
import fault_proxy  # noqa: E402
import s3proc_e2e as e2e  # noqa: E402


class RecordingProxy:
    """Forwards to RGW and records (operation, key) of every answered request."""

    def __init__(self):
        self.seen = []
        self.lock = threading.Lock()
        self.proxy = fault_proxy.FaultProxy(urlsplit(e2e.ENDPOINT).netloc, [],
                                            on_response=self.record)
        self.endpoint = "http://127.0.0.1:%d" % self.proxy.start_in_thread()

    def record(self, op, method, key, status, fault):
        with self.lock:
            self.seen.append((op, key))

    def gets_of(self, key):
        with self.lock:
            return [s for s in self.seen if s == ("get", key)]


def json_of_size(size):
    body = b'{"a": "' + b"x" * (size - 9) + b'"}'
    assert len(body) == size
    return body


class SizeBeforeWork(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s3 = e2e.s3_client()

    def setUp(self):
        self.proxy = RecordingProxy()
        self.addCleanup(self.proxy.proxy.stop)
        self.bucket = e2e.new_bucket(self.s3)

    def run_s3proc(self, work_dir, *args):
        cmd = [e2e.BINARY, "run", "--bucket", self.bucket, "--work-dir", work_dir,
               "--endpoint-url", self.proxy.endpoint, "--log-format", "json", *args]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        return proc.returncode, proc.stderr

    def reason(self, key):
        body = self.s3.get_object(Bucket=self.bucket, Key="errors/" + key + ".error.json")
        return json.loads(body["Body"].read())["reason"]

    def assert_copied_to_errors_unread(self, key, body):
        self.assertEqual(e2e.keys(self.s3, self.bucket, "input/"), [])
        copy = self.s3.get_object(Bucket=self.bucket, Key="errors/" + key)
        self.assertEqual(copy["Body"].read(), body)
        self.assertEqual(copy["Metadata"].get("s3proc-role"), "error-copy")
        self.assertEqual(self.proxy.gets_of("input/" + key), [], "it was never downloaded")

    def test_an_object_larger_than_max_object_bytes_is_copied_to_errors_unread(self):
        big = json_of_size(4096)
        self.s3.put_object(Bucket=self.bucket, Key="input/big.json", Body=big)
        self.s3.put_object(Bucket=self.bucket, Key="input/small.json", Body=b'{"k": 1}')
        work = e2e.WorkDir()
        self.addCleanup(work.cleanup)
        code, err = self.run_s3proc(work.path, "--max-object-bytes", "1000")
        self.assertEqual(code, 0, err)
        self.assert_copied_to_errors_unread("big.json", big)
        self.assertEqual(self.reason("big.json"),
                         "object is 4096 bytes, larger than max_object_bytes 1000")
        self.assertIn("output/small.json", e2e.keys(self.s3, self.bucket, "output/"))

    def test_an_object_larger_than_the_free_space_goes_to_errors_after_max_attempts(self):
        if os.geteuid() != 0:
            self.skipTest("mounting a tmpfs work dir needs root")
        mount = tempfile.mkdtemp(prefix="s3proc-tmpfs-")
        self.addCleanup(os.rmdir, mount)
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs",
                                  mount], capture_output=True, text=True)
        if mounted.returncode != 0:
            self.skipTest("cannot mount a tmpfs: " + mounted.stderr.strip())
        self.addCleanup(subprocess.run, ["umount", mount], check=True)
        big = json_of_size(2 << 20)
        self.s3.put_object(Bucket=self.bucket, Key="input/big.json", Body=big)
        for attempt in (1, 2):
            code, err = self.run_s3proc(mount, "--max-attempts", "2")
            self.assertEqual(code, 1, err)  # left for the next run
            self.assertIn("larger than the free space", err)
            self.assertEqual(e2e.keys(self.s3, self.bucket, "input/"), ["input/big.json"])
        code, err = self.run_s3proc(mount, "--max-attempts", "2")
        self.assertEqual(code, 0, err)
        self.assert_copied_to_errors_unread("big.json", big)
        reason = self.reason("big.json")
        self.assertIn("gave up after 2 attempts", reason)
        self.assertIn("larger than the free space", reason)


if __name__ == "__main__":
    if not e2e.BINARY:
        raise SystemExit("S3PROC_BINARY is not set: run through ctest")
    unittest.main(verbosity=2)
