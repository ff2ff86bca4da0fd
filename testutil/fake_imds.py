#!/usr/bin/env python3
"""A local fake of the EC2 instance metadata service (IMDSv2 only), for tests.

Serves, on a loopback address:
  PUT  /latest/api/token                          (needs X-aws-ec2-metadata-token-ttl-seconds)
  GET  /latest/meta-data/iam/security-credentials/         -> the role name (404 with --no-role)
  GET  /latest/meta-data/iam/security-credentials/ROLE     -> credentials JSON
  GET  /latest/meta-data/placement/region                  -> --region
Every GET needs a valid X-aws-ec2-metadata-token (401 otherwise), as IMDSv2 does with
HttpTokens=required.
Credentials expire --expiry-seconds after they are issued; the first fetch after expiry issues new
ones with a new AccessKeyId (ASIAFAKE000001, ASIAFAKE000002, ...).

Test controls (not part of IMDS):
  POST /fake/revoke-tokens   forget every issued token (the next GET gets 401)
  GET  /fake/stats           JSON counters

On start it prints one line "LISTENING 127.0.0.1:PORT" to stdout (flushed) and then logs one line
per request (to stdout, or to --log FILE). Secrets and tokens are never logged.
"""

import argparse
import json
import secrets
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CREDS_PREFIX = "/latest/meta-data/iam/security-credentials/"


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.tokens = {}  # token -> expiry (monotonic)
        self.generation = 0
        self.current = None  # dict with the credentials and "expires_at" (epoch seconds)
        self.stats = {"token_puts": 0, "credential_fetches": 0, "rotations": 0,
                      "unauthorized": 0, "requests": 0}

    def issue_token(self, ttl):
        token = "fake-imds-token-" + secrets.token_hex(16)
        with self.lock:
            self.tokens[token] = time.monotonic() + ttl
            self.stats["token_puts"] += 1
        return token

    def token_valid(self, token):
        with self.lock:
            expiry = self.tokens.get(token)
            return expiry is not None and time.monotonic() < expiry

    def credentials(self):
        with self.lock:
            now = time.time()
            if self.current is None or now >= self.current["expires_at"]:
                self.generation += 1
                if self.current is not None:
                    self.stats["rotations"] += 1
                # Rounded up to a whole second, so a short expiry is never shortened by the
                # whole-second format.
                expires_at = int(now + self.args.expiry_seconds) + 1
                self.current = {
                    "AccessKeyId": "ASIAFAKE%06d" % self.generation,
                    "SecretAccessKey": "fakesecret" + secrets.token_hex(15),
                    "Token": "faketoken" + secrets.token_hex(32),
                    "expires_at": expires_at,
                }
            self.stats["credential_fetches"] += 1
            c = self.current
            return {
                "Code": "Success",
                "LastUpdated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now)),
                "Type": "AWS-HMAC",
                "AccessKeyId": c["AccessKeyId"],
                "SecretAccessKey": c["SecretAccessKey"],
                "Token": c["Token"],
                "Expiration": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(c["expires_at"])),
            }


def make_handler(state, log):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "fake-imds/1"

        def log_message(self, fmt, *args):  # the default goes to stderr; we log ourselves
            pass

        def reply(self, status, body="", headers=None, note=""):
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
            with state.lock:
                state.stats["requests"] += 1
            print("%s %s %s -> %d%s" % (time.strftime("%H:%M:%S"), self.command, self.path,
                                        status, (" " + note) if note else ""),
                  file=log, flush=True)

        def drain(self):
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)

        def do_PUT(self):
            self.drain()
            if self.path != "/latest/api/token":
                return self.reply(404, note="unknown path")
            if self.headers.get("X-Forwarded-For"):
                return self.reply(403, note="X-Forwarded-For is refused")
            ttl = self.headers.get("X-aws-ec2-metadata-token-ttl-seconds", "")
            if not ttl.isdigit() or not 1 <= int(ttl) <= 21600:
                return self.reply(400, note="bad or missing ttl header")
            ttl = min(int(ttl), state.args.token_ttl_max)
            token = state.issue_token(ttl)
            self.reply(200, token, {"X-aws-ec2-metadata-token-ttl-seconds": str(ttl)},
                       note="token ttl=%d" % ttl)

        def do_POST(self):
            self.drain()
            if self.path == "/fake/revoke-tokens":
                with state.lock:
                    state.tokens.clear()
                return self.reply(200, "revoked\n")
            self.reply(405)

        def do_GET(self):
            if self.path == "/fake/stats":
                with state.lock:
                    body = json.dumps(state.stats)
                return self.reply(200, body)
            token = self.headers.get("X-aws-ec2-metadata-token", "")
            if not state.token_valid(token):
                with state.lock:
                    state.stats["unauthorized"] += 1
                return self.reply(401, note="missing or invalid token")
            if self.path == CREDS_PREFIX:
                if state.args.no_role:
                    return self.reply(404, note="no role")
                return self.reply(200, state.args.role)
            if self.path == CREDS_PREFIX + state.args.role and not state.args.no_role:
                doc = state.credentials()
                return self.reply(200, json.dumps(doc, indent=2),
                                  note="AccessKeyId=%s Expiration=%s" % (doc["AccessKeyId"],
                                                                        doc["Expiration"]))
            if self.path == "/latest/meta-data/placement/region":
                return self.reply(200, state.args.region)
            self.reply(404, note="unknown path")

        def do_DELETE(self):
            self.reply(405)

    return Handler


def main():
    parser = argparse.ArgumentParser(description="Fake EC2 instance metadata service (IMDSv2).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0: pick a free port")
    parser.add_argument("--expiry-seconds", type=float, default=21600,
                        help="lifetime of each issued set of credentials")
    parser.add_argument("--role", default="s3proc-test-role")
    parser.add_argument("--no-role", action="store_true", help="no instance profile attached")
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--token-ttl-max", type=int, default=21600,
                        help="cap on token TTLs (to test token renewal)")
    parser.add_argument("--log", help="append request log lines to this file instead of stdout")
    args = parser.parse_args()

    log = open(args.log, "a") if args.log else sys.stdout
    state = State(args)
    server = ThreadingHTTPServer((args.host, args.port), make_handler(state, log))
    server.daemon_threads = True
    host, port = server.server_address[:2]
    print("LISTENING %s:%d" % (host, port), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
