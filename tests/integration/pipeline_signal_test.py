#!/usr/bin/python3
"""SIGTERM in listing mode: the real binary, stopped in the middle of a run, finishes what it has
in hand, deletes the inputs of everything it logged done, prints its summary and exits by the
usual rule; the objects it had not started stay in input/ for the next run."""

import json
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import s3proc_e2e as e2e  # noqa: E402

FAST = 12  # input/a-fast/*: processed at once, logged done before the signal
SLOW = 40  # input/b-slow/*: each waits for the gate; the signal comes while some wait
CONCURRENCY = 3


def gated_processor(gate, waiting):
    """An exec processor (argv after "--") that copies its input, except that an object under
    b-slow/ first leaves a mark in `waiting` and waits until the file `gate` exists."""
    script = (
        'case "$S3PROC_SOURCE_KEY" in */b-slow/*)'
        f' touch {shlex.quote(waiting)}/"$(basename "$S3PROC_SOURCE_KEY")";'
        f' while [ ! -e {shlex.quote(gate)} ]; do sleep 0.02; done;; esac; cat "$0"')
    return ["--", "/bin/sh", "-c", script, "{input}"]


class StopOnSignal(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s3 = e2e.s3_client()

    def setUp(self):
        self.bucket = e2e.new_bucket(self.s3)
        self.work = e2e.WorkDir()
        self.scratch = tempfile.mkdtemp(prefix="s3proc-signal-")
        self.addCleanup(self.work.cleanup)
        self.inputs = {}
        for i in range(FAST):
            self.inputs[f"input/a-fast/{i:03d}.json"] = json.dumps({"fast": i}).encode()
        for i in range(SLOW):
            self.inputs[f"input/b-slow/{i:03d}.json"] = json.dumps({"slow": i}).encode()
        for key, body in self.inputs.items():
            self.s3.put_object(Bucket=self.bucket, Key=key, Body=body)

    def start(self, gate, waiting, log):
        return subprocess.Popen(
            [e2e.BINARY, "run", "--bucket", self.bucket, "--work-dir", self.work.path,
             "--endpoint-url", e2e.ENDPOINT, "--log-format", "json",
             "--concurrency", str(CONCURRENCY), "--exec-timeout-seconds", "300",
             "--processor", "exec", *gated_processor(gate, waiting)],
            stdout=subprocess.DEVNULL, stderr=log)

    def test_sigterm_finishes_what_is_in_hand_and_deletes_what_it_logged_done(self):
        gate = os.path.join(self.scratch, "gate")
        waiting = os.path.join(self.scratch, "waiting")
        os.mkdir(waiting)
        log_path = os.path.join(self.scratch, "stderr.log")
        with open(log_path, "w") as log:
            proc = self.start(gate, waiting, log)
        try:
            def read_log():
                with open(log_path) as f:
                    return f.read()

            # Every fast object is logged done and every worker holds a slow one: the run is
            # caught with work done (deletes batched) and work in hand.
            e2e.wait_for(lambda: proc.poll() is not None or (
                len(os.listdir(waiting)) == CONCURRENCY and
                sum(1 for e in e2e.events(read_log())
                    if e.get("event") == "object" and e["outcome"] == "done") == FAST),
                "the fast objects done and every worker waiting at the gate", timeout=120)
            self.assertIsNone(proc.poll(), "the run ended before the signal:\n" + read_log())
            in_hand = {"input/b-slow/" + name for name in os.listdir(waiting)}
            proc.send_signal(signal.SIGTERM)
            open(gate, "w").close()  # let the objects in hand finish
            code = proc.wait(timeout=300)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        err = read_log()

        self.assertIn(code, (0, 1), f"died of the signal ({code}) instead of stopping:\n" + err[-3000:])
        self.assertEqual(code, 0, "everything it started finished:\n" + err[-3000:])
        summary = e2e.summary(err)
        self.assertEqual(summary.get("stopped"), "signal", summary)

        logged = {e["key"]: e["outcome"] for e in e2e.events(err) if e.get("event") == "object"}
        finished = {k for k, outcome in logged.items() if outcome in ("done", "rejected")}
        self.assertTrue(in_hand <= finished, f"in hand at the signal: {sorted(in_hand)}; "
                        f"logged: {logged}")
        left = set(e2e.keys(self.s3, self.bucket, "input/"))
        outputs = e2e.all_objects(self.s3, self.bucket, "output/")
        self.assertEqual(finished & left, set(), "logged done but still in input/")
        for key in finished:
            self.assertEqual(outputs.get("output/" + key[len("input/"):]), self.inputs[key], key)
        self.assertTrue(left, "the signal stopped nothing: every object was processed")
        self.assertEqual(set(logged.values()), {"done"}, logged)
        # What it listed but had not started is counted apart: not a failure.
        self.assertEqual(summary["listed"], len(finished) + summary["not_started"], summary)
        self.assertEqual(summary["failed"], 0, summary)
        # Nothing lost: every input is either done (its output holds its bytes) or still in input/,
        # untouched; nothing went to errors/; no lease is left behind.
        self.assertEqual(finished | left, set(self.inputs))
        for key in left:
            body = self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()
            self.assertEqual(body, self.inputs[key], key)
        self.assertEqual(e2e.keys(self.s3, self.bucket, "errors/"), [])
        self.assertEqual(e2e.keys(self.s3, self.bucket, "leases/"), [])

        # The next run goes on with what was left.
        code, _, err2 = e2e.run(self.bucket, self.work.path, "--processor", "exec",
                                *gated_processor(gate, waiting))
        self.assertEqual(code, 0, err2[-3000:])
        self.assertEqual(e2e.keys(self.s3, self.bucket, "input/"), [])
        self.assertEqual(set(e2e.keys(self.s3, self.bucket, "output/")),
                         {"output/" + k[len("input/"):] for k in self.inputs})


if __name__ == "__main__":
    unittest.main(verbosity=2)
