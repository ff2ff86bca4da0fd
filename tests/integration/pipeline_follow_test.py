#!/usr/bin/python3
"""`s3proc run --follow` in listing mode, the real binary against the local RGW, as a systemd
service runs it: it processes objects as they are uploaded, lists again after poll_seconds when
input/ is empty, survives an endpoint that is down, and a SIGTERM (in a pass or in the wait)
ends it at once with exit 0."""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import unittest
from urllib.parse import urlparse

sys.path.insert(0, os.path.dirname(__file__))
import s3proc_e2e as e2e  # noqa: E402

STOP_TIMEOUT = 20  # seconds a stopped s3proc may take to exit before the test calls it stuck


class Forwarder:
    """A TCP forwarder from 127.0.0.1:`port` to `upstream` (host, port): the S3 endpoint coming
    up on a port where nothing listened. Stops (and closes every connection) in stop()."""

    def __init__(self, port, upstream):
        self.upstream = upstream
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", port))
        self.listener.listen(64)
        self.sockets = []
        self.lock = threading.Lock()
        self.stopped = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed by stop()
            try:
                server = socket.create_connection(self.upstream, timeout=10)
            except OSError:
                client.close()
                continue
            with self.lock:
                if self.stopped:
                    client.close()
                    server.close()
                    return
                self.sockets += [client, server]
            for src, dst in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(src, dst), daemon=True).start()

    @staticmethod
    def _pipe(src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def stop(self):
        with self.lock:
            self.stopped = True
            sockets, self.sockets = self.sockets, []
        self.listener.close()
        for s in sockets:
            s.close()


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FollowListing(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s3 = e2e.s3_client()

    def setUp(self):
        self.bucket = e2e.new_bucket(self.s3)
        self.work = e2e.WorkDir()
        self.addCleanup(self.work.cleanup)
        self.scratch = tempfile.mkdtemp(prefix="s3proc-follow-")
        self.log_path = os.path.join(self.scratch, "stderr.log")

    def start(self, *args, endpoint=None):
        with open(self.log_path, "w") as log:
            proc = subprocess.Popen(
                [e2e.BINARY, "run", "--follow", "--bucket", self.bucket,
                 "--work-dir", self.work.path, "--endpoint-url", endpoint or e2e.ENDPOINT,
                 "--log-format", "json", "--processor", "passthrough", *args],
                stdout=subprocess.DEVNULL, stderr=log)

        def kill_if_running():
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        self.addCleanup(kill_if_running)
        return proc

    def log(self):
        with open(self.log_path) as f:
            return f.read()

    def messages(self):
        return [e.get("msg", "") for e in e2e.events(self.log())]

    def wait_for_output(self, proc, key, body):
        e2e.wait_for(lambda: proc.poll() is not None or key in e2e.keys(self.s3, self.bucket,
                                                                        "output/"),
                     f"{key} processed", timeout=60, interval=0.2)
        self.assertIsNone(proc.poll(), "s3proc ended while following:\n" + self.log()[-3000:])
        self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read(), body)

    def stop(self, proc):
        """SIGTERM; returns the exit code, failing when s3proc does not exit promptly."""
        proc.send_signal(signal.SIGTERM)
        try:
            return proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.fail(f"still running {STOP_TIMEOUT} s after SIGTERM:\n" + self.log()[-3000:])

    def test_processes_uploads_as_they_arrive_and_a_sigterm_exits_zero(self):
        proc = self.start("--poll-seconds", "1")
        e2e.wait_for(lambda: proc.poll() is not None or any(
            "is empty; listing it every 1 s" in m for m in self.messages()),
            "the first pass found input/ empty", timeout=60)
        self.assertIsNone(proc.poll(), self.log()[-3000:])

        self.s3.put_object(Bucket=self.bucket, Key="input/a.txt", Body=b"first")
        self.wait_for_output(proc, "output/a.txt", b"first")
        self.s3.put_object(Bucket=self.bucket, Key="input/sub/b.txt", Body=b"second")
        self.wait_for_output(proc, "output/sub/b.txt", b"second")

        code = self.stop(proc)
        err = self.log()
        self.assertEqual(code, 0, err[-3000:])
        self.assertEqual(e2e.keys(self.s3, self.bucket, "input/"), [])
        self.assertEqual(sorted(e2e.keys(self.s3, self.bucket, "output/")),
                         ["output/a.txt", "output/sub/b.txt"])
        self.assertEqual(e2e.keys(self.s3, self.bucket, "leases/"), [])
        stopped = [e for e in e2e.events(err) if e.get("event") == "follow_stopped"]
        self.assertEqual(len(stopped), 1, err[-3000:])
        self.assertEqual(stopped[0]["done"], 2, stopped)
        self.assertEqual(stopped[0]["failed_passes"], 0, stopped)
        # One summary line per pass that found work; the empty passes stay quiet. A pass the
        # signal stopped has its summary too (it may have listed nothing yet: after a pass that
        # finished something the next one lists at once, and SIGTERM can land in its listing).
        summaries = [e for e in e2e.events(err) if e.get("event") == "summary"]
        self.assertEqual(sum(s["done"] for s in summaries), 2, summaries)
        self.assertTrue(all(s["listed"] > 0 or s.get("stopped") == "signal" for s in summaries),
                        summaries)

    def test_sigterm_ends_a_long_wait_at_once(self):
        proc = self.start("--poll-seconds", "3600")
        e2e.wait_for(lambda: proc.poll() is not None or any(
            "is empty; listing it every 3600 s" in m for m in self.messages()),
            "the first pass found input/ empty", timeout=60)
        self.assertIsNone(proc.poll(), self.log()[-3000:])
        code = self.stop(proc)
        self.assertEqual(code, 0, self.log()[-3000:])

    def test_an_endpoint_that_is_down_at_first_is_retried_until_it_comes_up(self):
        port = free_port()  # nothing listens there until the forwarder starts
        self.s3.put_object(Bucket=self.bucket, Key="input/waiting.txt", Body=b"patience")
        proc = self.start("--poll-seconds", "1", endpoint=f"http://127.0.0.1:{port}")
        e2e.wait_for(lambda: proc.poll() is not None or sum(
            m.startswith("this pass failed") for m in self.messages()) >= 2,
            "two passes failed against the closed port", timeout=120, interval=0.2)
        self.assertIsNone(proc.poll(), "a failed pass ended the run:\n" + self.log()[-3000:])

        upstream = urlparse(e2e.ENDPOINT)
        forwarder = Forwarder(port, (upstream.hostname, upstream.port))
        self.addCleanup(forwarder.stop)
        self.wait_for_output(proc, "output/waiting.txt", b"patience")

        code = self.stop(proc)
        err = self.log()
        self.assertEqual(code, 0, err[-3000:])
        self.assertEqual(e2e.keys(self.s3, self.bucket, "input/"), [])
        stopped = [e for e in e2e.events(err) if e.get("event") == "follow_stopped"]
        self.assertEqual(len(stopped), 1, err[-3000:])
        self.assertGreaterEqual(stopped[0]["failed_passes"], 2, stopped)
        self.assertEqual(stopped[0]["done"], 1, stopped)

    def test_a_bucket_that_does_not_exist_exits_two_at_once(self):
        self.bucket = "e2e-no-such-bucket-" + os.urandom(4).hex()
        proc = self.start("--poll-seconds", "1")
        try:
            code = proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.fail("still following a bucket that does not exist:\n" + self.log()[-3000:])
        self.assertEqual(code, 2, self.log()[-3000:])
        self.assertIn("s3proc: error: ", self.log())


if __name__ == "__main__":
    unittest.main(verbosity=2)
