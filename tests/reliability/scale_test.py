#!/usr/bin/python3
"""Scale: S3PROC_SCALE_OBJECTS small objects (default 10,000; `make soak`: 100,000) in input/
are listed and drained with flat memory (peak RSS reported), and a run is bounded: --max-files
and --max-seconds stop claiming new objects, so a cron tick never runs for ever."""

import json
import os
import sys
import time
import unittest
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reliability_util as ru  # noqa: E402
from reliability_util import e2e  # noqa: E402

OBJECTS = int(os.environ.get("S3PROC_SCALE_OBJECTS", "10000"))


class Scale(unittest.TestCase):
    def test_many_small_objects_bounded_runs_flat_memory(self):
        s3 = e2e.s3_client()
        bucket = e2e.new_bucket(s3)
        start = time.monotonic()

        def put(i):
            s3.put_object(Bucket=bucket, Key=f"input/s{i % 100:02d}/{i:07d}.json",
                          Body=b'{"i":%d}' % i)

        with ThreadPoolExecutor(32) as pool:
            list(pool.map(put, range(OBJECTS)))
        seeded = time.monotonic() - start
        work = e2e.WorkDir()
        try:
            # Bounded by count: at most max-files objects are claimed (plus those in flight).
            r = ru.run_s3proc(bucket, work.path, e2e.ENDPOINT, "--max-files", "500",
                              "--concurrency", "16", "--route", "**=passthrough")
            s = r.summary()
            self.assertEqual(r.code, 1, r.stderr[-2000:])  # objects left: see the test below
            self.assertEqual(s["listed"], 500, r.stderr[-2000:])
            self.assertLessEqual(s["done"], 500)
            self.assertGreater(s["done"], 0)
            # Bounded by time: stops claiming after 2 s. The effect, not the wall clock: the run
            # says it stopped early (exit 1, its log), claimed only part of what was left, and
            # left the rest in input/.
            before = len(e2e.keys(s3, bucket, "input/"))
            r = ru.run_s3proc(bucket, work.path, e2e.ENDPOINT, "--max-seconds", "2",
                              "--concurrency", "16", "--route", "**=passthrough")
            timed = r.summary()
            left = len(e2e.keys(s3, bucket, "input/"))
            print(f"--max-seconds 2: exit {r.code} after {r.seconds:.1f} s, {before} in input/ "
                  f"before, {left} after; summary {json.dumps(timed)}", file=sys.stderr)
            self.assertEqual(r.code, 1, "a run that --max-seconds stopped must exit 1 (objects "
                             "left): " + r.stderr[-2000:])
            self.assertTrue(any("--max-seconds bound" in e.get("msg", "")
                                for e in e2e.events(r.stderr)), r.stderr[-2000:])
            self.assertLess(timed["listed"], before, "the --max-seconds 2 run claimed everything")
            self.assertEqual(timed["failed"], 0, r.stderr[-2000:])
            finished = timed["done"] + timed["rejected"] + timed["already_done"]
            self.assertEqual(left, before - finished,
                             "input/ should hold exactly what the bounded run did not finish")
            self.assertGreater(left, 0)
            bounded_done = s["done"] + timed["done"]
            # Then drain it all in one run, sampling memory.
            r = ru.run_s3proc(bucket, work.path, e2e.ENDPOINT, "--concurrency", "32",
                              "--route", "**=passthrough", timeout=3600)
            self.assertEqual(r.code, 0, r.stderr[-2000:])
            drain = r.summary()
            self.assertEqual(e2e.keys(s3, bucket, "input/"), [])
            outputs = e2e.keys(s3, bucket, "output/")
            self.assertEqual(len(outputs), OBJECTS)
            samples = r.rss_samples or [r.peak_rss_kib]
            half = len(samples) // 2
            figures = {
                "objects": OBJECTS, "seed_seconds": round(seeded, 1),
                "drain_seconds": round(r.seconds, 1), "drained_in_last_run": drain["done"],
                "done_by_bounded_runs": bounded_done,
                "files_per_second": drain.get("files_per_second"),
                "peak_rss_mib": round(r.peak_rss_kib / 1024, 1),
                "rss_first_half_max_mib": round(max(samples[:half] or samples) / 1024, 1),
                "rss_second_half_max_mib": round(max(samples[half:]) / 1024, 1),
            }
            print("scale figures: " + json.dumps(figures, sort_keys=True), file=sys.stderr)
            # Flat: the second half of the drain needs no more memory than the first (+20 %
            # and 16 MiB of allocator slack); the listing is streamed, not held.
            self.assertLess(figures["rss_second_half_max_mib"],
                            figures["rss_first_half_max_mib"] * 1.2 + 16)
            self.assertLess(figures["peak_rss_mib"], 200)
        finally:
            work.cleanup()

    def test_a_run_stopped_by_max_files_exits_one(self):
        """Exit 1 means some objects were left for the next run: a run that --max-files
        stopped before the end of input/ has left some."""
        s3 = e2e.s3_client()
        bucket = e2e.new_bucket(s3)
        for i in range(40):
            s3.put_object(Bucket=bucket, Key=f"input/{i:03d}.json", Body=b"{}")
        work = e2e.WorkDir()
        try:
            r = ru.run_s3proc(bucket, work.path, e2e.ENDPOINT, "--max-files", "10")
            self.assertTrue(e2e.keys(s3, bucket, "input/"))
            self.assertEqual(r.code, 1, "objects were left, yet the exit code says all done")
        finally:
            work.cleanup()


if __name__ == "__main__":
    unittest.main(verbosity=2, warnings="ignore")
