"""A fleet of queue-mode workers: 4 `s3proc run --follow` processes, each with its own work dir,
drain one SQS queue announcing 5,000 objects (moto's own S3 notifications), while one of them is
killed with SIGKILL twice mid-run and started again. Every input must end in exactly one place,
no output may have two versions (two workers writing one output), and the queue and input/
must end empty. The others then stop on SIGTERM, finishing what they hold, and exit 0."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(__file__))
import queue_harness as h  # noqa: E402

OBJECTS = int(os.environ.get("S3PROC_FLEET_OBJECTS", "5000"))
WORKERS = 4
VISIBILITY = 15  # what a killed worker held comes back after this long


class QueueFleetTest(unittest.TestCase):
    def setUp(self):
        self.moto = h.Moto()
        self.s3 = self.moto.client("s3")
        self.sqs = self.moto.client("sqs")
        self.env = h.s3proc_env(self.moto.endpoint, self.moto.endpoint)
        self.bucket = h.new_bucket(self.s3, versioned=True)
        self.queue, arn, _ = h.new_queue(self.sqs, VISIBILITY)
        h.notify(self.s3, self.bucket, arn)
        self.dirs = [tempfile.mkdtemp(prefix=f"s3proc-fleet-{i}-") for i in range(WORKERS)]
        self.logs = [open(os.path.join(d, "worker.log"), "w") for d in self.dirs]
        self.procs = [None] * WORKERS

    def tearDown(self):
        for p in self.procs:
            if p and p.poll() is None:
                p.kill()
                p.wait()
        for f in self.logs:
            f.close()
        for d in self.dirs:
            shutil.rmtree(d, ignore_errors=True)
        self.moto.stop()

    def start(self, i):
        cmd = h.command(self.bucket, self.queue, self.dirs[i], "--follow", "--concurrency", "8",
                        wait=5, visibility=VISIBILITY)
        self.procs[i] = subprocess.Popen(cmd, stderr=self.logs[i], env=self.env)

    def drop(self):
        def put(n):
            self.s3.put_object(Bucket=self.bucket, Key=f"input/{n % 50:02d}/file-{n:05d}.json",
                               Body=b'{"n": %d}' % n)
        with ThreadPoolExecutor(16) as pool:
            list(pool.map(put, range(OBJECTS)))

    def outputs(self):
        return len(h.keys(self.s3, self.bucket, "output/"))

    def wait_for_outputs(self, count, deadline):
        while self.outputs() < count:
            self.assertLess(time.time(), deadline, f"fewer than {count} outputs in time")
            time.sleep(1)

    def drained(self):
        return not h.keys(self.s3, self.bucket, "input/") and \
            h.queue_counts(self.sqs, self.queue) == (0, 0)

    def test_four_workers_one_killed_twice(self):
        self.drop()
        started = time.time()
        deadline = started + 1200
        for i in range(WORKERS):
            self.start(i)
        for fraction in (0.2, 0.5):
            self.wait_for_outputs(int(OBJECTS * fraction), deadline)
            self.procs[0].send_signal(signal.SIGKILL)
            self.assertEqual(self.procs[0].wait(), -signal.SIGKILL)
            self.start(0)
        while not self.drained():
            self.assertLess(time.time(), deadline, "the fleet did not drain the queue in time")
            time.sleep(2)
        seconds = time.time() - started
        for p in self.procs:
            p.send_signal(signal.SIGTERM)
        for i, p in enumerate(self.procs):
            self.assertEqual(p.wait(timeout=120), 0, f"worker {i} did not stop cleanly on SIGTERM")

        outputs = h.versions(self.s3, self.bucket, "output/")
        expected = {f"output/{n % 50:02d}/file-{n:05d}.json" for n in range(OBJECTS)}
        self.assertEqual(set(outputs), expected)
        twice = {k: v for k, v in outputs.items() if v != 1}
        self.assertEqual(twice, {}, "outputs written more than once")
        self.assertEqual(h.keys(self.s3, self.bucket, "errors/"), [])
        self.assertEqual(h.keys(self.s3, self.bucket, "input/"), [])
        self.assertEqual(h.queue_counts(self.sqs, self.queue), (0, 0))
        print(f"fleet: {OBJECTS} objects, {WORKERS} workers, 2 kills, drained in {seconds:.0f} s")


if __name__ == "__main__":
    unittest.main(verbosity=2)
