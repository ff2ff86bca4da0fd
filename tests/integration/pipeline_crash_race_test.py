#!/usr/bin/python3
"""Crash and race: kill -9 at random points, then a final run; two processors draining one bucket.
The invariant: every input has exactly one output (or one error copy), nothing is lost."""

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import unittest
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(__file__))
import s3proc_e2e as e2e  # noqa: E402

FILES = int(os.environ.get("S3PROC_CRASH_FILES", "300"))
KILLS = int(os.environ.get("S3PROC_CRASH_KILLS", "25"))


def seed(s3, bucket, count, bad_every=10):
    good, bad = set(), set()

    def put(i):
        rel = f"batch/{i:05d}.json"
        if i % bad_every == 0:
            body, target = b'{"broken": ', bad
        else:
            body, target = json.dumps({"i": i, "pad": "x" * 200}).encode(), good
        s3.put_object(Bucket=bucket, Key="input/" + rel, Body=body)
        return rel, target

    with ThreadPoolExecutor(16) as pool:
        for rel, target in pool.map(put, range(count)):
            target.add(rel)
    return good, bad


def versions(s3, bucket, prefix):
    counts = {}
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=prefix):
        for v in page.get("Versions", []):
            counts[v["Key"]] = counts.get(v["Key"], 0) + 1
    return counts


class CrashAndRace(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s3 = e2e.s3_client()

    def assert_drained(self, bucket, good, bad):
        self.assertEqual(e2e.keys(self.s3, bucket, "input/"), [])
        outputs = e2e.all_objects(self.s3, bucket, "output/")
        self.assertEqual(set(outputs), {"output/" + r for r in good}, "each good input has an output")
        for key, body in outputs.items():
            doc = json.loads(body)
            self.assertEqual(f"batch/{doc['i']:05d}.json", key[len("output/"):])
        errors = set(e2e.keys(self.s3, bucket, "errors/"))
        expected = {"errors/" + r for r in bad} | {"errors/" + r + ".error.json" for r in bad}
        self.assertEqual(errors, expected, "only the bad inputs are in errors/")

    def test_kill_minus_nine_at_random_points_then_a_final_run(self):
        bucket = e2e.new_bucket(self.s3, versioned=True)
        good, bad = seed(self.s3, bucket, FILES)
        work = e2e.WorkDir()
        rng = random.Random(int(os.environ.get("S3PROC_CRASH_SEED", "1234")))
        kills = 0
        try:
            for _ in range(KILLS):
                proc = subprocess.Popen(
                    [e2e.BINARY, "run", "--bucket", bucket, "--work-dir", work.path,
                     "--endpoint-url", e2e.ENDPOINT, "--concurrency", "8", "--max-attempts", "100",
                     "--log-format", "json"],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                time.sleep(rng.uniform(0.02, 0.6))
                if proc.poll() is None:
                    proc.kill()
                    kills += 1
                proc.wait()
            for attempt in range(5):
                code, _, err = e2e.run(bucket, work.path, "--max-attempts", "100")
                if code == 0:
                    break
            self.assertEqual(code, 0, err[-3000:])
            self.assertGreater(kills, KILLS // 2, "most runs should have been killed mid-way")
            self.assert_drained(bucket, good, bad)
            # Exactly one output: no output (or error copy) was written twice, even though runs
            # died between storing an output and deleting its input.
            for key, n in versions(self.s3, bucket, "output/").items():
                self.assertEqual(n, 1, f"{key} has {n} versions")
            for key, n in versions(self.s3, bucket, "errors/").items():
                # A reason file is written before its error copy, so a crash between the two
                # rewrites it on the next run (same content but for the time); the error copy
                # itself, like an output, is stored once.
                if not key.endswith(".error.json"):
                    self.assertEqual(n, 1, f"{key} has {n} versions")
            print(f"crash test: {FILES} files, {kills} kill -9, drained", file=sys.stderr)
        finally:
            work.cleanup()

    def lease_owners(self, bucket):
        owners = set()
        for key in e2e.keys(self.s3, bucket, "leases/"):
            try:
                body = self.s3.get_object(Bucket=bucket, Key=key)["Body"].read()
            except self.s3.exceptions.NoSuchKey:
                continue  # released meanwhile
            owners.add(json.loads(body)["owner"])
        return owners

    def race_once(self, bucket, works):
        """One run of each processor, made to overlap: the first is paused (SIGSTOP) as soon as
        it holds a lease, the second starts and runs until it holds one too, then both go on
        together. Without this the first often claimed every shard before the second had
        started, and one processor drained the bucket alone. With the default 16 shards the
        first holds them all within its first few dozen objects (they cover every shard), so
        the key space is cut finer: a claim per object or so, racing at the listing's front.
        Returns both (code, out, err)."""
        procs, results, readers = [], [None, None], []

        def start(i):
            procs.append(subprocess.Popen(
                [e2e.BINARY, "run", "--bucket", bucket, "--work-dir", works[i].path,
                 "--endpoint-url", e2e.ENDPOINT, "--log-format", "json", "--concurrency", "8",
                 "--lease-shards", "1024"],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))

            def read():  # while it runs, so that a full pipe never blocks it
                out, err = procs[i].communicate()
                results[i] = (procs[i].returncode, out, err)

            readers.append(threading.Thread(target=read))
            readers[-1].start()

        try:
            start(0)
            e2e.wait_for(lambda: self.lease_owners(bucket) or procs[0].poll() is not None,
                         "the first processor holds a lease", timeout=60, interval=0.02)
            procs[0].send_signal(signal.SIGSTOP)  # a no-op once it has exited
            start(1)
            e2e.wait_for(lambda: len(self.lease_owners(bucket)) >= 2
                         or procs[1].poll() is not None, "both processors hold a lease",
                         timeout=60, interval=0.02)
        finally:
            procs[0].send_signal(signal.SIGCONT)
            for t in readers:
                t.join(timeout=600)
        return results

    def test_two_processors_drain_one_bucket_together(self):
        bucket = e2e.new_bucket(self.s3)  # unversioned: RGW 16 honours If-None-Match only there
        good, bad = seed(self.s3, bucket, FILES)
        works = [e2e.WorkDir(), e2e.WorkDir()]
        # Every run of every iteration, by processor: (exit code, stdout, stderr).
        runs = [[], []]
        try:
            for _ in range(10):
                results = self.race_once(bucket, works)
                for i, (code, _, err) in enumerate(results):
                    self.assertEqual(code, 0, err[-3000:])
                    runs[i].append(results[i])
                if not e2e.keys(self.s3, bucket, "input/"):
                    break
            self.assert_drained(bucket, good, bad)
            # Each input was processed (stored to output/ or errors/) once, over all the runs of
            # both processors: no double output.
            processed = [e["key"] for i in range(2) for _, _, err in runs[i]
                         for e in e2e.events(err)
                         if e.get("event") == "object" and e["outcome"] in ("done", "rejected")]
            duplicates = sorted({k for k in processed if processed.count(k) > 1})
            self.assertEqual(duplicates, [], "processed more than once")
            self.assertEqual(sorted(processed), sorted("input/" + r for r in good | bad))
            # Both did work: otherwise one drained the bucket alone and nothing raced.
            work = [sum(e2e.summary(err)["done"] + e2e.summary(err)["rejected"]
                        for _, _, err in runs[i]) for i in range(2)]
            self.assertGreater(work[0], 0, f"processor 0 did nothing; work by processor: {work}")
            self.assertGreater(work[1], 0, f"processor 1 did nothing; work by processor: {work}")
            print(f"race test: {FILES} files, work by processor {work}, "
                  f"{len(runs[0])} iterations", file=sys.stderr)
        finally:
            for w in works:
                w.cleanup()


if __name__ == "__main__":
    unittest.main(verbosity=2)
