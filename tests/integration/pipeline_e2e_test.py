#!/usr/bin/python3
"""`s3proc run` end to end: the real binary against the local RGW; boto3 seeds and checks."""

import fcntl
import gzip
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import s3proc_e2e as e2e  # noqa: E402

TRICKY_RELATIVE_KEYS = [
    "plain.json",
    "with space (1).json",
    "a+b+c.json",
    "100%25%.json",
    "données/文件 名.json",
    "!$&'()*,;=:@[].json",
    "../../escape.json",
    "./dot/../x.json",
    "deep/a/b/c/d/e/f.json",
]


def flock_held(path):
    """True when another open file description holds an flock on `path` (the file exists and a
    non-blocking exclusive flock of our own fails)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # also drops the lock when we got it
    return False


class PipelineEndToEnd(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s3 = e2e.s3_client()

    def setUp(self):
        self.work = e2e.WorkDir()
        self.bucket = e2e.new_bucket(self.s3)

    def tearDown(self):
        self.work.cleanup()

    def put(self, key, body):
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=body)

    def test_good_and_bad_documents_of_every_kind(self):
        good = {
            "object.json": b'{"a": 1, "b": [true, null, "x\\u00e9"]}',
            "array.json": b"[1, 2, 3]",
            "scalar.json": b'"just a string"',
            "lines.ndjson": b'{"n": 1}\n{"n": 2}\n',
            "table.csv": b'name,comment\nann,"said ""hi"", twice"\nbob,"multi\nline"\n',
            "raw.bin": bytes(range(256)),
            "packed.json.gz": gzip.compress(b'{"zipped": true}'),
        }
        bad = {
            "empty.json": b"",
            "trailing.json": b'{"a": 1} garbage',
            "nan.json": b'{"a": NaN}',
            "single.json": b"{'a': 1}",
            "utf8.json": b'{"a": "\xff\xfe"}',
            "deep.json": b"[" * 100000 + b"]" * 100000,
            "lines.ndjson": None,
            "bad-line.ndjson": b'{"ok": 1}\n{broken\n',
            "ragged.csv": b"a,b\n1,2,3\n",
            "corrupt.json.gz": b"\x1f\x8bnot really gzip",
        }
        bad = {k: v for k, v in bad.items() if v is not None}
        for rel, body in {**good, **bad}.items():
            self.put("input/" + rel, body)
        code, _, err = e2e.run(self.bucket, self.work.path, "--route", "*.ndjson=ndjson",
                               "--route", "*.csv=csv", "--route", "*.bin=passthrough")
        self.assertEqual(code, 0, err[-3000:])
        s = e2e.summary(err)
        self.assertEqual((s["done"], s["rejected"], s["failed"]), (len(good), len(bad), 0), err[-3000:])

        self.assertEqual(e2e.keys(self.s3, self.bucket, "input/"), [])
        outputs = e2e.all_objects(self.s3, self.bucket, "output/")
        self.assertEqual(sorted(outputs), sorted("output/" + k for k in good))
        obj = json.loads(outputs["output/object.json"])
        self.assertEqual(obj["a"], 1)
        self.assertEqual(obj["b"], [True, None, "xé"])
        meta = obj["_s3proc"]
        self.assertEqual(meta["source_key"], "input/object.json")
        self.assertEqual(meta["sha256"], hashlib.sha256(good["object.json"]).hexdigest())
        self.assertEqual(json.loads(outputs["output/array.json"]), [1, 2, 3])
        self.assertEqual(json.loads(outputs["output/scalar.json"]), "just a string")
        self.assertEqual(outputs["output/raw.bin"], good["raw.bin"])
        rows = [json.loads(l) for l in outputs["output/table.csv"].decode().splitlines()]
        self.assertEqual(rows, [{"name": "ann", "comment": 'said "hi", twice'},
                                {"name": "bob", "comment": "multi\nline"}])
        self.assertEqual([json.loads(l)["n"] for l in outputs["output/lines.ndjson"].splitlines()], [1, 2])
        # gzip in, gzip out: an output named .gz is gzip.
        self.assertTrue(json.loads(gzip.decompress(outputs["output/packed.json.gz"]))["zipped"])
        packed = self.s3.head_object(Bucket=self.bucket, Key="output/packed.json.gz")
        self.assertEqual(packed["ContentType"], "application/gzip")
        self.assertNotIn("ContentEncoding", packed)

        errors = e2e.all_objects(self.s3, self.bucket, "errors/")
        for rel, body in bad.items():
            self.assertEqual(errors["errors/" + rel], body, "error copy must be byte-for-byte: " + rel)
            reason = json.loads(errors["errors/" + rel + ".error.json"])
            self.assertEqual(reason["source_key"], "input/" + rel)
            self.assertTrue(reason["reason"], rel)
        self.assertEqual(len(errors), 2 * len(bad))
        # Local copies are gone: the disk of a small instance never fills up.
        for sub in ("downloads", "processed"):
            self.assertEqual(os.listdir(os.path.join(self.work.path, sub)), [])

    def test_tricky_keys_markers_and_objects_outside_the_prefix(self):
        for rel in TRICKY_RELATIVE_KEYS:
            self.put("input/" + rel, json.dumps({"key": rel}).encode())
        self.put("input/", b"")
        self.put("input/folder/", b"")
        self.put("elsewhere/a.json", b"{}")
        self.put("inputs-not-mine.json", b"{}")
        longest = "input/" + "k" * 1013 + ".json"  # 1024 bytes: legal, but output/ would not fit
        self.put(longest, b"{}")
        code, _, err = e2e.run(self.bucket, self.work.path)
        self.assertEqual(code, 0, err[-3000:])
        remaining = sorted(e2e.keys(self.s3, self.bucket))
        for k in ("input/", "input/folder/", "elsewhere/a.json", "inputs-not-mine.json"):
            self.assertIn(k, remaining)
        outputs = e2e.all_objects(self.s3, self.bucket, "output/")
        for rel in TRICKY_RELATIVE_KEYS:
            doc = json.loads(outputs["output/" + rel])
            self.assertEqual(doc["key"], rel)
        errors = e2e.keys(self.s3, self.bucket, "errors/")
        self.assertEqual(len(errors), 2, errors)  # the long key: its copy and its reason
        self.assertTrue(all(len(k.encode()) <= 1024 for k in errors))
        # Nothing was written outside the work dir, whatever the keys said.
        for root, _, files in os.walk(self.work.path):
            self.assertTrue(os.path.realpath(root).startswith(os.path.realpath(self.work.path)))

        # A second run changes nothing.
        before = {k: v for k, v in e2e.all_objects(self.s3, self.bucket).items()}
        code, _, err = e2e.run(self.bucket, self.work.path)
        self.assertEqual(code, 0, err[-3000:])
        s = e2e.summary(err)
        self.assertEqual((s["listed"], s["done"], s["rejected"]), (0, 0, 0))
        self.assertEqual(e2e.all_objects(self.s3, self.bucket), before)

    def test_empty_prefix_is_a_quick_no_op(self):
        start = time.monotonic()
        code, _, err = e2e.run(self.bucket, self.work.path)
        self.assertEqual(code, 0, err)
        self.assertEqual(e2e.summary(err)["listed"], 0)
        self.assertEqual(e2e.keys(self.s3, self.bucket), [])
        self.assertLess(time.monotonic() - start, 10)

    def test_two_hundred_mib_file_streams_through(self):
        path = os.path.join(self.work.path, "..", os.path.basename(self.work.path) + "-big.bin")
        with open(path, "wb") as f:
            rng = random.Random(7)
            for _ in range(200):
                f.write(rng.randbytes(1 << 20))
        with open(path, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        self.s3.upload_file(path, self.bucket, "input/big.bin")
        os.unlink(path)
        code, _, err = e2e.run(self.bucket, self.work.path, "--route", "*.bin=passthrough")
        self.assertEqual(code, 0, err[-3000:])
        body = self.s3.get_object(Bucket=self.bucket, Key="output/big.bin")["Body"].read()
        self.assertEqual(len(body), 200 << 20)
        self.assertEqual(hashlib.sha256(body).hexdigest(), digest)
        self.assertEqual(e2e.keys(self.s3, self.bucket, "input/"), [])

    def test_versioned_bucket_deletes_the_processed_version_only(self):
        bucket = e2e.new_bucket(self.s3, versioned=True)
        self.s3.put_object(Bucket=bucket, Key="input/a.json", Body=b'{"v": 1}')
        code, _, err = e2e.run(bucket, self.work.path)
        self.assertEqual(code, 0, err[-3000:])
        versions = self.s3.list_object_versions(Bucket=bucket, Prefix="input/")
        self.assertEqual(versions.get("Versions", []), [], "the processed version is deleted")
        out = json.loads(self.s3.get_object(Bucket=bucket, Key="output/a.json")["Body"].read())
        self.assertEqual(out["v"], 1)

    def test_a_second_run_on_a_busy_work_dir_exits_cleanly(self):
        self.put("input/a.json", b"{}")
        lock = os.path.join(self.work.path, ".s3proc.lock")
        # Its own process group, so that the kill below also ends the sleep that flock(1) runs
        # (which would otherwise keep the test's output pipe open for 300 s).
        holder = subprocess.Popen(["flock", "-x", lock, "sleep", "300"], start_new_session=True,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            e2e.wait_for(lambda: flock_held(lock) or holder.poll() is not None,
                         f"flock(1) holding {lock}", timeout=30)
            self.assertIsNone(holder.poll(), "flock(1) exited before it held the lock")
            code, _, err = e2e.run(self.bucket, self.work.path)
            self.assertEqual(code, 0, err)
            self.assertIn("busy", err)
            # It did not wait for the lock: the holder (300 s) still holds it.
            self.assertIsNone(holder.poll())
            self.assertTrue(flock_held(lock))
            self.assertEqual(e2e.keys(self.s3, self.bucket, "input/"), ["input/a.json"])
        finally:
            os.killpg(holder.pid, signal.SIGKILL)
            holder.wait()

    def test_wrong_credentials_fail_clearly_without_leaking_the_secret(self):
        self.put("input/a.json", b"{}")
        secret = "wrong-secret-value-do-not-print-0123456789"
        code, out, err = e2e.run(self.bucket, self.work.path,
                                 env={"AWS_SECRET_ACCESS_KEY": secret})
        self.assertNotEqual(code, 0)
        self.assertIn("SignatureDoesNotMatch", err)
        self.assertNotIn(secret, out + err)
        self.assertEqual(e2e.keys(self.s3, self.bucket, "input/"), ["input/a.json"])

    def test_dry_run_changes_nothing(self):
        self.put("input/a.json", b"{}")
        # Not even locally: the work dir is not created.
        work_dir = os.path.join(self.work.path, "not-yet")
        code, _, err = e2e.run(self.bucket, work_dir, "--dry-run")
        self.assertEqual(code, 0, err)
        self.assertIn("would-process", err)
        self.assertEqual(sorted(e2e.keys(self.s3, self.bucket)), ["input/a.json"])
        self.assertFalse(os.path.exists(work_dir), os.listdir(self.work.path))

    def test_a_missing_bucket_is_a_configuration_error(self):
        # No later run can succeed: exit 2, as for any configuration error, not 1 ("left for
        # the next run").
        code, _, err = e2e.run(self.bucket + "-missing", self.work.path)
        self.assertEqual(code, 2, err)
        self.assertIn("NoSuchBucket", err)
        self.assertIn("check --bucket", err)

    def test_a_work_dir_another_user_could_change_is_refused(self):
        # Whoever else can write there could swap what s3proc reads, writes and removes: owned
        # by another user (nobody; root gets no exception) or writable by others, it is refused
        # with exit 2, naming the directory and the fix, and nothing is done.
        self.put("input/a.json", b"{}")
        cases = {"chown": lambda path: os.chown(path, 65534, -1),
                 "chmod go-w": lambda path: os.chmod(path, 0o777)}
        for fix, spoil in cases.items():
            with self.subTest(fix=fix):
                work = os.path.join(self.work.path, fix.replace(" ", "-"))
                os.mkdir(work, 0o700)
                spoil(work)
                code, _, err = e2e.run(self.bucket, work)
                self.assertEqual(code, 2, err[-2000:])
                self.assertIn(work, err)
                self.assertIn(fix, err)
                self.assertEqual(os.listdir(work), [])
        self.assertEqual(e2e.keys(self.s3, self.bucket), ["input/a.json"])

    def test_a_newline_in_a_key_cannot_start_a_text_log_line(self):
        forged = "done input/forged.json -> output/forged.json [json] 2 B 0.001s"
        self.put("input/a.json\n" + forged, b"{}")
        proc = subprocess.run([e2e.BINARY, "run", "--bucket", self.bucket, "--work-dir",
                               self.work.path, "--endpoint-url", e2e.ENDPOINT, "--log-format",
                               "text", "--no-progress"],
                              capture_output=True, text=True, timeout=600)
        self.assertEqual(proc.returncode, 0, proc.stderr[-2000:])
        lines = proc.stderr.splitlines()
        self.assertFalse([line for line in lines if line.startswith("done input/forged")],
                         proc.stderr)
        self.assertIn("done input/a.json\\n" + forged, proc.stderr)

    def test_passthrough_keeps_gzip_compressed(self):
        body = b'{"zipped": "passed through"}'
        packed = gzip.compress(body)
        self.put("input/p/a.json.gz", packed)
        code, _, err = e2e.run(self.bucket, self.work.path, "--route", "p/**=passthrough")
        self.assertEqual(code, 0, err[-3000:])
        stored = self.s3.get_object(Bucket=self.bucket, Key="output/p/a.json.gz")
        self.assertEqual(stored["Body"].read(), packed, "passthrough copies the bytes unchanged")
        self.assertEqual(stored["ContentType"], "application/gzip")
        self.assertNotIn("ContentEncoding", stored)

    def test_status_and_redrive_after_a_fix(self):
        self.put("input/notes.txt", b"plain text, not JSON")
        self.put("input/ok.json", b"{}")
        code, _, err = e2e.run(self.bucket, self.work.path)
        self.assertEqual(code, 0, err)
        status = json.loads(subprocess.run(
            [e2e.BINARY, "status", "--bucket", self.bucket, "--endpoint-url", e2e.ENDPOINT,
             "--json"], capture_output=True, text=True, check=True).stdout)
        counts = {p["name"]: p["objects"] for p in status["prefixes"]}
        self.assertEqual((counts["input"], counts["output"], counts["errors"]), (0, 1, 1))
        # The fix: .txt files are passed through. Redrive, then run again.
        redrive = subprocess.run(
            [e2e.BINARY, "redrive", "--bucket", self.bucket, "--endpoint-url", e2e.ENDPOINT,
             "--filter", "*.txt"], capture_output=True, text=True)
        self.assertEqual(redrive.returncode, 0, redrive.stderr)
        self.assertEqual(e2e.keys(self.s3, self.bucket, "errors/"), [])
        self.assertEqual(e2e.keys(self.s3, self.bucket, "input/"), ["input/notes.txt"])
        code, _, err = e2e.run(self.bucket, self.work.path, "--route", "*.txt=passthrough")
        self.assertEqual(code, 0, err)
        body = self.s3.get_object(Bucket=self.bucket, Key="output/notes.txt")["Body"].read()
        self.assertEqual(body, b"plain text, not JSON")

    def redrive(self):
        redrive = subprocess.run(
            [e2e.BINARY, "redrive", "--bucket", self.bucket, "--endpoint-url", e2e.ENDPOINT],
            capture_output=True, text=True)
        self.assertEqual(redrive.returncode, 0, redrive.stderr)

    def metadata(self, key):
        return self.s3.head_object(Bucket=self.bucket, Key=key)["Metadata"]

    def test_an_error_copy_named_like_another_inputs_reason_is_never_overwritten(self):
        # y.json.error.json is rejected first: its error copy takes errors/y.json.error.json, the
        # name y.json's reason would have. On this unversioned bucket, writing y.json's reason
        # there would destroy the only copy of the first file.
        self.put("input/y.json.error.json", b"{first")
        code, _, err = e2e.run(self.bucket, self.work.path)
        self.assertEqual(code, 0, err[-3000:])
        etag = self.s3.put_object(Bucket=self.bucket, Key="input/y.json",
                                  Body=b"{second")["ETag"].strip('"')
        code, _, err = e2e.run(self.bucket, self.work.path)
        self.assertEqual(code, 0, err[-3000:])
        self.assertEqual(e2e.summary(err)["rejected"], 1, err[-3000:])

        errors = e2e.all_objects(self.s3, self.bucket, "errors/")
        self.assertEqual(errors["errors/y.json.error.json"], b"{first")
        renamed = "errors/y.json." + etag[:12]
        self.assertEqual(errors[renamed], b"{second")
        self.assertEqual(json.loads(errors[renamed + ".error.json"])["source_key"], "input/y.json")
        self.assertEqual(len(errors), 4, sorted(errors))
        self.assertEqual(self.metadata("errors/y.json.error.json")["s3proc-role"], "error-copy")
        self.assertEqual(self.metadata(renamed + ".error.json")["s3proc-role"], "reason")

        # Both come back under their own keys.
        self.redrive()
        self.assertEqual(e2e.keys(self.s3, self.bucket, "errors/"), [])
        inputs = e2e.all_objects(self.s3, self.bucket, "input/")
        self.assertEqual(inputs, {"input/y.json": b"{second", "input/y.json.error.json": b"{first"})

    def test_a_users_own_files_in_output_and_errors_are_left_unchanged(self):
        self.put("output/a.json", b"mine")
        self.put("errors/b.json", b"mine too")
        self.put("input/a.json", b"{}")
        etag = self.s3.put_object(Bucket=self.bucket, Key="input/b.json",
                                  Body=b"{oops")["ETag"].strip('"')
        code, _, err = e2e.run(self.bucket, self.work.path)
        self.assertEqual(code, 0, err[-3000:])
        self.assertEqual(e2e.keys(self.s3, self.bucket, "input/"), [])
        output = e2e.all_objects(self.s3, self.bucket, "output/")
        self.assertEqual(output, {"output/a.json": b"mine"})
        errors = e2e.all_objects(self.s3, self.bucket, "errors/")
        # a.json could not take its output's name: it is rejected, with the reason.
        self.assertEqual(errors["errors/a.json"], b"{}")
        reason = json.loads(errors["errors/a.json.error.json"])["reason"]
        self.assertIn("output/a.json already exists and was not written by s3proc", reason)
        # b.json's error copy takes the other name.
        self.assertEqual(errors["errors/b.json"], b"mine too")
        self.assertEqual(errors["errors/b.json." + etag[:12]], b"{oops")
        self.assertEqual(len(errors), 5, sorted(errors))

    def test_exec_processor_runs_a_users_command(self):
        self.put("input/a.json", b'{"x": 1}')
        self.put("input/b.json", b'{"x": 2}')
        code, _, err = e2e.run(self.bucket, self.work.path, "--processor", "exec", "--",
                               "/bin/sh", "-c",
                               'case "$S3PROC_SOURCE_KEY" in *b.json) echo nope >&2; exit 3;; esac; tr a-z A-Z')
        self.assertEqual(code, 0, err)
        self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key="output/a.json")["Body"].read(),
                         b'{"X": 1}')
        reason = json.loads(self.s3.get_object(Bucket=self.bucket,
                                               Key="errors/b.json.error.json")["Body"].read())
        self.assertIn("nope", reason["reason"])

    def test_exec_command_reason_names_no_local_path_and_gets_no_credentials(self):
        """errors/ is readable by whoever may read that prefix: the reason holds no local path
        and no credential; the object's log line has the stderr as written. The command's
        environment holds no AWS_* variable, though s3proc's has its keys (with_local_s3)."""
        self.put("input/c.json", b'{"x": 3}')
        code, _, err = e2e.run(
            self.bucket, self.work.path, "--processor", "exec", "--",
            "/bin/sh", "-c",
            'echo "bad $S3PROC_INPUT_PATH in $HOME $(env | grep -c ^AWS_) $AWS_SECRET_ACCESS_KEY"'
            ' >&2; exit 1')
        self.assertEqual(code, 0, err)
        document = self.s3.get_object(Bucket=self.bucket,
                                      Key="errors/c.json.error.json")["Body"].read().decode()
        reason = json.loads(document)["reason"]
        self.assertEqual(reason,
                         "command 'sh' exited with code 1; stderr: bad <input> in <home> 0 ")
        work = os.path.realpath(self.work.path)
        self.assertNotIn(work, document)
        self.assertNotIn(self.work.path, document)
        self.assertIn(os.path.join(self.work.path, "downloads"), err)  # the log has it all


    def test_exec_command_cannot_read_s3procs_memory_or_environment(self):
        """The exec command runs as s3proc's user, but cannot read the environment (nor the
        memory) of s3proc or of its supervisor, a copy of s3proc: the credentials there stay
        out of its reach. Run as nobody: root may read any process's."""
        folder = tempfile.mkdtemp(prefix="s3proc-nobody-")  # in /tmp: nobody can reach it
        self.addCleanup(shutil.rmtree, folder)
        with open(os.path.join(folder, "in.json"), "w") as f:
            f.write("{}")
        probe = ("supervisor=$PPID; s3proc=$(awk '/^PPid/{print $2}' /proc/$PPID/status); "
                 "for pid in $s3proc $supervisor; do "
                 "if tr '\\0' '\\n' < /proc/$pid/environ; then echo read $pid; "
                 "else echo refused $pid; fi; done 2>/dev/null")
        for path in (folder, os.path.join(folder, "in.json")):
            os.chown(path, 65534, 65534)
        proc = subprocess.run(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", e2e.BINARY,
             "process", "in.json", "--processor", "exec", "--", "/bin/sh", "-c", probe],
            cwd=folder, capture_output=True, text=True, timeout=60,
            env={"PATH": os.environ["PATH"], "HOME": folder,
                 "AWS_SECRET_ACCESS_KEY": "secret-of-s3proc"})
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertNotIn("secret-of-s3proc", proc.stdout)
        self.assertEqual([line.split()[0] for line in proc.stdout.splitlines()],
                         ["refused", "refused"], proc.stdout)

    def test_a_jq_file_in_home_does_not_change_route_filters(self):
        """jq reads ~/.jq into every program it compiles; s3proc's filters are the routes' alone,
        whatever a file in the service user's home (which an exec command may write) defines."""
        home = tempfile.mkdtemp(prefix="s3proc-home-")
        self.addCleanup(shutil.rmtree, home)
        with open(os.path.join(home, ".jq"), "w") as f:
            f.write('def ascii_downcase: "from ~/.jq";\n')
        config = os.path.join(home, "s3proc.toml")
        with open(config, "w") as f:
            f.write('bucket = "b"\n[[route]]\nglob = "*.json"\nprocessor = "json"\n'
                    "filter = '.name | ascii_downcase'\n")
        sample = os.path.join(home, "a.json")
        with open(sample, "w") as f:
            f.write('{"name": "ABC"}')
        proc = subprocess.run([e2e.BINARY, "process", sample, "--config", config],
                              capture_output=True, text=True, timeout=60,
                              env={"PATH": os.environ["PATH"], "HOME": home})
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stdout, '"abc"')

    def test_exec_command_reaches_no_network_unless_allowed(self):
        """s3proc reaches S3; by default its exec command does not (nor, so, the instance
        metadata service): opening a TCP socket fails. With --exec-network it connects."""
        probe = ("import socket, sys, urllib.parse; url = urllib.parse.urlsplit(sys.argv[1]); "
                 "socket.create_connection((url.hostname, url.port or 80), 5).close(); "
                 "print('reached')")
        self.put("input/closed.json", b"{}")
        code, _, err = e2e.run(self.bucket, self.work.path, "--processor", "exec", "--",
                               "python3", "-c", probe, e2e.ENDPOINT)
        self.assertEqual(code, 0, err)
        reason = json.loads(self.s3.get_object(Bucket=self.bucket,
                                               Key="errors/closed.json.error.json")["Body"].read())
        self.assertIn("PermissionError: [Errno 13] Permission denied", reason["reason"])
        self.put("input/open.json", b"{}")
        code, _, err = e2e.run(self.bucket, self.work.path, "--exec-network", "--processor",
                               "exec", "--", "python3", "-c", probe, e2e.ENDPOINT)
        self.assertEqual(code, 0, err)
        self.assertEqual(self.s3.get_object(Bucket=self.bucket,
                                            Key="output/open.json")["Body"].read(), b"reached\n")

if __name__ == "__main__":
    unittest.main(verbosity=2)
