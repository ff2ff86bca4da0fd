#!/usr/bin/python3
"""Memory bounded by design, inside a cgroup v1 memory controller as on a t3.micro: three
150 MiB JSON documents at concurrency 8 peak under 128 MiB (in 700 MiB, what a t3.micro has left
after its OS), and a 2 GiB JSON document is processed inside 256 MiB. Neither may be OOM-killed,
and every object must reach output/ right.

The peak asserted is the process's VmHWM (resident anonymous and mapped pages), not the
cgroup's memory.max_usage_in_bytes: a cgroup is also charged for the page cache of the files
s3proc downloads and writes, which the kernel reclaims under the limit instead of failing, and
which a 2 GiB download fills whatever the program does. Both are printed.

Needs root and the cgroup v1 memory controller (/sys/fs/cgroup/memory); without them it exits 77
(ctest: skipped), or fails when CI=true. The documents are written to disk by a streaming writer
(no 2 GiB string in this process) and removed, with their objects, at the end."""

import hashlib
import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reliability_util as ru  # noqa: E402
from reliability_util import REPO, e2e  # noqa: E402

sys.path.insert(0, os.path.join(REPO, "tools", "cgroup"))
import cgroup_v1  # noqa: E402

MiB = 1 << 20
BIG_MIB = int(os.environ.get("S3PROC_MEMORY_BIG_MIB", "2048"))


def write_document(path, size):
    """A JSON object of about `size` bytes, written in 1 MiB blocks: records with escapes and
    multi-byte UTF-8, so that the streaming parser meets them across its buffer refills.
    Returns (bytes written, sha256 hex)."""
    record = ('{"i":%d,"name":"caf\\u00e9 \u00e9\u20ac\U0001F600","v":-12.5e-3,'
              '"ok":[true,false,null],"pad":"' + "p" * 900 + '"}')
    digest = hashlib.sha256()
    written = 0

    def put(text):
        nonlocal written
        data = text.encode()
        f.write(data)
        digest.update(data)
        written += len(data)

    with open(path, "wb") as f:
        put('{"kind":"s3proc memory test","blocks":[')
        block = 0
        while written < size - MiB:
            records = ",".join(record % (block * 1000 + i) for i in range(1000))
            put(("," if block else "") + '{"block":%d,"records":[%s]}' % (block, records))
            block += 1
        put('],"end":true}')
    return written, digest.hexdigest()


def range_get(s3, bucket, key, first, last):
    return s3.get_object(Bucket=bucket, Key=key, Range=f"bytes={first}-{last}")["Body"].read()


def metadata_of(tail):
    """The "_s3proc" member at the end of an output, parsed: {"source_key": ..., ...}."""
    start = tail.rindex(b',"_s3proc":')
    return json.loads(b"{" + tail[start + 1:])["_s3proc"]


class Memory(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s3 = e2e.s3_client()
        cls.scratch = tempfile.mkdtemp(prefix="s3proc-memory-")

    @classmethod
    def tearDownClass(cls):
        os.rmdir(cls.scratch)

    def seed(self, bucket, name, size):
        path = os.path.join(self.scratch, name)
        self.addCleanup(os.unlink, path)
        written, sha = write_document(path, size)
        self.s3.upload_file(path, bucket, "input/" + name)
        return path, written, sha

    def run_in_cgroup(self, bucket, limit, *args):
        work = e2e.WorkDir()
        cgroup = cgroup_v1.Cgroup(limit, prefix="s3proc-test-")
        try:
            r = ru.run_s3proc(bucket, work.path, e2e.ENDPOINT, "--no-progress", *args,
                              timeout=3000, wrapper=cgroup.wrapper())
            return r, cgroup.figures()
        finally:
            cgroup.close()
            work.cleanup()

    def check_output(self, bucket, name, size, sha, whole=False):
        """The output is the input with the metadata member spliced in before its final '}'."""
        key = "output/" + name
        out_size = self.s3.head_object(Bucket=bucket, Key=key)["ContentLength"]
        tail = range_get(self.s3, bucket, key, out_size - 4096, out_size - 1)
        meta = metadata_of(tail)
        self.assertEqual(meta["source_key"], "input/" + name)
        self.assertEqual(meta["size"], size)
        self.assertEqual(meta["sha256"], sha)
        member = tail[tail.rindex(b',"_s3proc":'):-1]
        self.assertEqual(out_size, size + len(member), "output size: input + the member")
        with open(os.path.join(self.scratch, name), "rb") as f:
            self.assertEqual(range_get(self.s3, bucket, key, 0, MiB - 1), f.read(MiB))
        if whole:  # parsed by a parser we did not write
            body = self.s3.get_object(Bucket=bucket, Key=key)["Body"].read()
            doc = json.loads(body)
            self.assertEqual(doc["_s3proc"], meta)
            self.assertTrue(doc["end"])
            self.assertEqual(doc["blocks"][-1]["block"], len(doc["blocks"]) - 1)

    def new_bucket(self):
        """A bucket emptied and removed after the test, passed or not (gigabytes of it)."""
        bucket = e2e.new_bucket(self.s3)

        def remove():
            for key in e2e.keys(self.s3, bucket):
                self.s3.delete_object(Bucket=bucket, Key=key)
            self.s3.delete_bucket(Bucket=bucket)

        self.addCleanup(remove)
        return bucket

    def test_three_150_mib_documents_at_concurrency_8_peak_under_128_mib(self):
        bucket = self.new_bucket()
        docs = {f"big-{i}.json": self.seed(bucket, f"big-{i}.json", 150 * MiB) for i in range(3)}
        r, cgroup = self.run_in_cgroup(bucket, 700 * MiB, "--concurrency", "8")
        print(f"memory: 3 x 150 MiB JSON, concurrency 8, in 700 MiB: exit {r.code} in "
              f"{r.seconds:.1f} s, peak RSS (VmHWM) {r.peak_rss_kib / 1024:.1f} MiB, "
              f"cgroup {json.dumps(cgroup)}", file=sys.stderr)
        self.assertEqual(cgroup["oom_kills"], 0, "OOM-killed: " + r.stderr[-2000:])
        self.assertEqual(r.code, 0, r.stderr[-2000:])
        self.assertEqual(sorted(e2e.keys(self.s3, bucket, "output/")),
                         sorted("output/" + n for n in docs))
        self.assertEqual(e2e.keys(self.s3, bucket, "input/"), [])
        self.assertLessEqual(r.peak_rss_kib, 128 * 1024, "peak RSS over 128 MiB")
        for n, (_, size, sha) in docs.items():
            self.check_output(bucket, n, size, sha, whole=n == "big-0.json")

    def test_a_2_gib_document_in_256_mib(self):
        bucket = self.new_bucket()
        name = "huge.json"
        _, size, sha = self.seed(bucket, name, BIG_MIB * MiB)
        r, cgroup = self.run_in_cgroup(bucket, 256 * MiB)
        print(f"memory: {size / MiB:.0f} MiB JSON in 256 MiB: exit {r.code} in {r.seconds:.1f} s, "
              f"peak RSS (VmHWM) {r.peak_rss_kib / 1024:.1f} MiB, cgroup {json.dumps(cgroup)}",
              file=sys.stderr)
        self.assertEqual(cgroup["oom_kills"], 0, "OOM-killed: " + r.stderr[-2000:])
        self.assertEqual(r.code, 0, r.stderr[-2000:])
        self.assertEqual(e2e.keys(self.s3, bucket, "output/"), ["output/" + name])
        self.check_output(bucket, name, size, sha)


if __name__ == "__main__":
    why_not = cgroup_v1.available()
    if why_not:
        if os.environ.get("CI") == "true":
            sys.exit(f"memory: {why_not}, on a CI machine")
        print(f"memory: {why_not}: skipped", file=sys.stderr)
        sys.exit(77)
    unittest.main()
