"""Helpers of the reliability tests: a seeded mix of documents with their expected outcome,
an oracle that checks every output against its input, the fault proxy, and a runner that
samples s3proc's memory. Built on tests/integration/s3proc_e2e.py."""

import csv
import gzip
import io
import json
import os
import random
import subprocess
import sys
import threading
import time
import warnings

# The proxy's connections are torn down with its event loop; that is fine in a test.
warnings.simplefilter("ignore", ResourceWarning)
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "integration"))
sys.path.insert(0, os.path.join(REPO, "tools", "fault_proxy"))
import fault_proxy  # noqa: E402
import s3proc_e2e as e2e  # noqa: E402

ROUTES = ["--route", "**.ndjson=ndjson", "--route", "**.csv=csv"]


def upstream_hostport():
    return e2e.ENDPOINT.split("://", 1)[1].rstrip("/")


def make_document(i, rng):
    """(relative key, body bytes, expected 'output' | 'errors') for document number i."""
    kind = rng.random()
    if i % 20 == 7:  # 5 % rejected: broken JSON
        return f"d{i % 50:02d}/{i:06d}.json", b'{"i": ' + str(i).encode() + b', "broken": ', "errors"
    if i % 50 == 13:  # 2 %: CSV with a ragged row
        return f"d{i % 50:02d}/{i:06d}.csv", f"a,b\n{i},1\n2\n".encode(), "errors"
    if kind < 0.08:
        lines = [json.dumps({"i": i, "line": n, "v": rng.random()}) for n in range(rng.randint(1, 5))]
        return f"d{i % 50:02d}/{i:06d}.ndjson", ("\n".join(lines) + "\n").encode(), "output"
    if kind < 0.16:
        rows = "".join(f"{i},{n},\"x, {n}\"\n" for n in range(rng.randint(1, 5)))
        return f"d{i % 50:02d}/{i:06d}.csv", ("i,n,text\n" + rows).encode(), "output"
    if kind < 0.20:
        doc = json.dumps({"i": i, "gz": True, "pad": "z" * rng.randint(0, 3000)}).encode()
        return f"d{i % 50:02d}/{i:06d}.json.gz", gzip.compress(doc), "output"
    doc = {"i": i, "name": f"doc {i}", "pad": "p" * rng.randint(0, 2000), "n": [1, 2.5, None]}
    return f"d{i % 50:02d}/{i:06d}.json", json.dumps(doc).encode(), "output"


def seed(s3, bucket, count, seed_value=7, threads=32):
    """Uploads `count` documents under input/; returns {relative key: (body, expected)}."""
    rng = random.Random(seed_value)
    docs = {}
    for i in range(count):
        rel, body, expected = make_document(i, rng)
        docs[rel] = (body, expected)

    def put(item):
        rel, (body, _) = item
        s3.put_object(Bucket=bucket, Key="input/" + rel, Body=body)

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(put, docs.items()))
    return docs


def strip_meta(value):
    if isinstance(value, dict):
        value = dict(value)
        value.pop("_s3proc", None)
    return value


def check_output(rel, source, output):
    """Raises AssertionError unless `output` is the right processing of `source`."""
    if rel.endswith(".gz"):  # gzip in, gzip out
        source = gzip.decompress(source)
        output = gzip.decompress(output)
        rel = rel[:-3]
    if rel.endswith(".ndjson"):
        want = [json.loads(line) for line in source.decode().splitlines()]
        got = [strip_meta(json.loads(line)) for line in output.decode().splitlines()]
    elif rel.endswith(".csv"):
        want = [dict(r) for r in csv.DictReader(io.StringIO(source.decode()))]
        got = [json.loads(line) for line in output.decode().splitlines()]
    else:
        want = json.loads(source)
        got = strip_meta(json.loads(output))
    if want != got:
        raise AssertionError(f"{rel}: output differs from its input")


def verify_bucket(s3, bucket, docs):
    """The invariant: input/ empty; each good input has exactly one correct output, each bad one
    its unchanged copy and a reason in errors/, and nothing else exists. Returns counts."""
    left = e2e.keys(s3, bucket, "input/")
    problems = []
    if left:
        problems.append(f"{len(left)} inputs left, e.g. {left[:3]}")
    outputs = e2e.all_objects(s3, bucket, "output/")
    errors = e2e.all_objects(s3, bucket, "errors/")
    want_out = {"output/" + r for r, (_, e) in docs.items() if e == "output"}
    want_err = {"errors/" + r for r, (_, e) in docs.items() if e == "errors"}
    want_err |= {k + ".error.json" for k in want_err}
    if set(outputs) != want_out:
        missing, extra = want_out - set(outputs), set(outputs) - want_out
        problems.append(f"outputs: {len(missing)} missing {sorted(missing)[:3]}, "
                        f"{len(extra)} unexpected {sorted(extra)[:3]}")
    if set(errors) != want_err:
        missing, extra = want_err - set(errors), set(errors) - want_err
        problems.append(f"errors/: {len(missing)} missing {sorted(missing)[:3]}, "
                        f"{len(extra)} wrongly there {sorted(extra)[:3]}")
    bad_content = 0
    for key, body in outputs.items():
        rel = key[len("output/"):]
        if rel in docs:
            try:
                check_output(rel, docs[rel][0], body)
            except (AssertionError, ValueError) as e:
                bad_content += 1
                if bad_content <= 3:
                    problems.append(str(e))
    for key, body in errors.items():
        rel = key[len("errors/"):]
        if rel in docs and body != docs[rel][0]:
            problems.append(f"{key}: the error copy differs from the input")
    if bad_content:
        problems.append(f"{bad_content} outputs with wrong content")
    if problems:
        raise AssertionError("; ".join(problems))
    return {"outputs": len(outputs), "errors": len(errors) // 2}


class Proxy:
    """The fault proxy in this process, in front of the local RGW."""

    def __init__(self, rules, seed_value=1, **kwargs):
        self.proxy = fault_proxy.FaultProxy(upstream_hostport(),
                                            [fault_proxy.Rule.parse(r) for r in rules],
                                            seed=seed_value, **kwargs)
        self.port = self.proxy.start_in_thread()
        self.endpoint = f"http://127.0.0.1:{self.port}"

    def stats(self):
        return self.proxy.stats()

    def stop(self):
        self.proxy.stop()


def rss_kib(pid, field="VmRSS:"):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class RunResult:
    def __init__(self, code, stderr, seconds, peak_rss_kib, rss_samples):
        self.code, self.stderr, self.seconds = code, stderr, seconds
        self.peak_rss_kib, self.rss_samples = peak_rss_kib, rss_samples

    def summary(self):
        try:
            return e2e.summary(self.stderr)
        except AssertionError:
            return {}


def run_s3proc(bucket, work_dir, endpoint, *args, timeout=1800, env=None, kill_after=None,
               wrapper=()):
    """One `s3proc run` with JSON logs; samples VmRSS every 0.2 s. Returns a RunResult.
    `wrapper`: a command that execs the rest in the same process (a cgroup's, for example)."""
    cmd = [*wrapper, e2e.BINARY, "run", "--bucket", bucket, "--work-dir", work_dir,
           "--endpoint-url", endpoint, "--log-format", "json", *args]
    err_path = os.path.join(work_dir + ".stderr")
    start = time.monotonic()
    with open(err_path, "w+") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err,
                                env={**os.environ, **(env or {})})
        samples = []
        hwm = [0]
        stop = threading.Event()

        # VmHWM, not getrusage's ru_maxrss: the latter counts the forked Python's pages from
        # before exec, hundreds of MiB in a test holding its documents.
        def sample():
            while not stop.wait(0.2):
                samples.append(rss_kib(proc.pid))
                hwm[0] = max(hwm[0], rss_kib(proc.pid, "VmHWM:"))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        watchdog = threading.Timer(timeout, proc.kill)  # a hung run fails the test, not CI
        watchdog.start()
        try:
            if kill_after is not None:
                try:
                    proc.wait(kill_after)
                except subprocess.TimeoutExpired:
                    proc.kill()
            _, status, _ = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
        finally:
            watchdog.cancel()
            stop.set()
            sampler.join()
        err.seek(0)
        text = err.read()
    os.unlink(err_path)
    return RunResult(proc.returncode, text, time.monotonic() - start, hwm[0],
                     [s for s in samples if s])
