#!/usr/bin/python3
"""Crash and race: kill -9 at random points, then a final run; two processors draining one bucket.
The invariant: every input has exactly one output (or one error copy), nothing is lost."""

import json
import os
import random
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

    def test_two_processors_drain_one_bucket_together(self):
        bucket = e2e.new_bucket(self.s3)  # unversioned: RGW 16 honours If-None-Match only there
        good, bad = seed(self.s3, bucket, FILES)
        works = [e2e.WorkDir(), e2e.WorkDir()]
        results = [None, None]
        try:
            for _ in range(10):
                threads = [threading.Thread(target=lambda i=i: results.__setitem__(
                    i, e2e.run(bucket, works[i].path, "--concurrency", "8"))) for i in range(2)]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
                for code, _, err in results:
                    self.assertEqual(code, 0, err[-3000:])
                done = sum(e2e.summary(err)["done"] + e2e.summary(err)["rejected"]
                           for _, _, err in results)
                self.assertLessEqual(done, FILES)
                if not e2e.keys(self.s3, bucket, "input/"):
                    break
            self.assert_drained(bucket, good, bad)
            # Both logs together: each input processed once.
            processed = []
            for _, _, err in results:
                processed += [e["key"] for e in e2e.events(err)
                              if e.get("event") == "object" and e["outcome"] in ("done", "rejected")]
            self.assertEqual(len(processed), len(set(processed)))
        finally:
            for w in works:
                w.cleanup()


if __name__ == "__main__":
    unittest.main(verbosity=2)
