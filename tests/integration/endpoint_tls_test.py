#!/usr/bin/python3
"""Plain http:// endpoints: refused (exit 2) before any request for AWS hosts and for hosts that
are neither loopback nor private, unless --allow-insecure-endpoint; a local S3 server is fine.

No name is resolved: s3.amazonaws.com cannot be reached from here, and the check must come
before DNS anyway. What s3proc would send goes to a local HTTP server, named as curl's
http_proxy for remote hosts (the proxy sees every plain-HTTP request, whatever its host) or as
the endpoint itself for the local case; the test counts the requests it received. Needs only the
binary."""

import http.server
import os
import subprocess
import tempfile
import threading
import unittest

BINARY = os.environ.get("S3PROC_BINARY", "")
NO_SUCH_BUCKET = (b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchBucket</Code>'
                  b"<Message>The specified bucket does not exist</Message></Error>")


class Recorder(http.server.ThreadingHTTPServer):
    """Answers every request 404 NoSuchBucket (so that s3proc stops at once) and records it."""

    def __init__(self):
        self.requests = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def answer(handler):
                self.requests.append(handler.command + " " + handler.path)
                handler.send_response(404)
                handler.send_header("Content-Type", "application/xml")
                handler.send_header("Content-Length", str(len(NO_SUCH_BUCKET)))
                handler.end_headers()
                handler.wfile.write(NO_SUCH_BUCKET)

            do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = answer

            def log_message(handler, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.server_address[1]
        threading.Thread(target=self.serve_forever, daemon=True).start()


class PlainHttpEndpoints(unittest.TestCase):
    def setUp(self):
        self.recorder = Recorder()
        self.home = tempfile.TemporaryDirectory(prefix="s3proc-tls-")
        self.addCleanup(self.home.cleanup)
        self.addCleanup(self.recorder.shutdown)

    def run_s3proc(self, *args, env=None):
        environment = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": self.home.name,
            "AWS_ACCESS_KEY_ID": "AKIDTLSTEST",
            "AWS_SECRET_ACCESS_KEY": "secret",
            "AWS_SESSION_TOKEN": "session-token-that-must-not-cross-in-clear",
            "AWS_REGION": "us-east-1",
            "AWS_EC2_METADATA_DISABLED": "true",
            # Every plain-HTTP request to a remote host goes here instead.
            "http_proxy": self.recorder.url,
            **(env or {}),
        }
        proc = subprocess.run([BINARY, "run", "--bucket", "b-tls", "--work-dir", self.home.name,
                               "--max-attempts", "1", *args],
                              capture_output=True, text=True, timeout=60, env=environment)
        return proc.returncode, proc.stderr

    def assert_refused_before_any_request(self, args=(), env=None, says=""):
        code, err = self.run_s3proc(*args, env=env)
        self.assertEqual(code, 2, err)
        self.assertIn(says, err)
        self.assertEqual(self.recorder.requests, [], err)

    def test_the_setting_to_aws_is_refused_even_when_insecure_endpoints_are_allowed(self):
        for extra in ([], ["--allow-insecure-endpoint"]):
            self.assert_refused_before_any_request(
                ["--endpoint-url", "http://s3.amazonaws.com", *extra],
                says="endpoint_url (from --endpoint-url) 'http://s3.amazonaws.com' is plain "
                     "http:// to AWS")

    def test_the_environment_and_the_profile_to_aws_are_refused(self):
        self.assert_refused_before_any_request(
            env={"AWS_ENDPOINT_URL_S3": "http://s3.us-east-1.amazonaws.com"},
            says="AWS_ENDPOINT_URL_S3 'http://s3.us-east-1.amazonaws.com' is plain http://")
        with open(os.path.join(self.home.name, "config"), "w") as f:
            f.write("[default]\nendpoint_url = http://s3.eu-west-1.amazonaws.com\n")
        self.assert_refused_before_any_request(
            env={"AWS_CONFIG_FILE": os.path.join(self.home.name, "config")},
            says="endpoint_url in the config file 'http://s3.eu-west-1.amazonaws.com'")

    def test_a_plain_queue_url_or_sqs_endpoint_to_aws_is_refused(self):
        self.assert_refused_before_any_request(
            ["--queue-url", "http://sqs.us-east-1.amazonaws.com/123456789012/q"],
            says="queue_url (from --queue-url) 'http://sqs.us-east-1.amazonaws.com/")
        self.assert_refused_before_any_request(
            ["--queue-url", "https://sqs.us-east-1.amazonaws.com/123456789012/q"],
            env={"AWS_ENDPOINT_URL_SQS": "http://sqs.us-east-1.amazonaws.com"},
            says="AWS_ENDPOINT_URL_SQS 'http://sqs.us-east-1.amazonaws.com' is plain http://")

    def test_another_public_host_needs_the_setting_then_is_warned_about(self):
        self.assert_refused_before_any_request(["--endpoint-url", "http://example.com"],
                                               says="allow_insecure_endpoint")
        code, err = self.run_s3proc("--endpoint-url", "http://example.com",
                                    "--allow-insecure-endpoint")
        # The request went out (to the proxy standing in for example.com): NoSuchBucket, exit 2.
        self.assertEqual(code, 2, err)
        self.assertIn("NoSuchBucket", err)
        self.assertEqual(err.count("plain http:// endpoint http://example.com"), 1, err)
        self.assertTrue(self.recorder.requests, err)
        self.assertTrue(self.recorder.requests[0].startswith("GET http://example.com/b-tls"),
                        self.recorder.requests)

    def test_a_loopback_or_private_endpoint_is_used_without_a_warning(self):
        code, err = self.run_s3proc("--endpoint-url", self.recorder.url)
        self.assertEqual(code, 2, err)
        self.assertIn("NoSuchBucket", err)
        self.assertNotIn("plain http://", err)
        self.assertTrue(self.recorder.requests, err)
        # A private address is accepted too (the proxy answers for it: nothing is routed there).
        del self.recorder.requests[:]
        code, err = self.run_s3proc("--endpoint-url", "http://10.0.0.5")
        self.assertIn("NoSuchBucket", err)
        self.assertTrue(self.recorder.requests, err)


if __name__ == "__main__":
    if not BINARY:
        raise SystemExit("S3PROC_BINARY is not set: run through ctest")
    unittest.main(verbosity=2)
