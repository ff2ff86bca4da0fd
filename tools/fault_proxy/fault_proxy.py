#!/usr/bin/python3
"""A fault-injecting HTTP/1.1 proxy for S3 traffic: sits between s3proc and a real S3 endpoint
(the local RGW) and, at configurable rates per S3 operation, answers errors, resets or stalls
connections, truncates or corrupts bodies.

Requests are forwarded byte for byte (request line, headers, Host included, and body), so a
client signs for the proxy's own address: point s3proc at it with --endpoint-url.

    fault_proxy.py --upstream 127.0.0.1:7480 --listen 127.0.0.1:0 --port-file P \
        --fault '*:503=0.02' --fault 'get,put:flip=0.02' --stats-file S

Fault kinds (what the client sees; whether the request reached the server):
    503         503 SlowDown, not forwarded
    500         500 InternalError, not forwarded
    429         429 TooManyRequests, not forwarded
    reset       forwarded and applied; the connection is reset before any response byte
    reset_body  forwarded; headers and half the body are sent, then the connection is reset
    truncate    forwarded; the response body is cut in half and Content-Length says so (a
                well-formed short response only an integrity check can catch); bodies only
    flip        one byte flipped: in the request body of a put/upload_part (the server must
                reject it through Content-MD5) or in the response body of a get
    delay       forwarded; the response is held back --delay-seconds (under the client's timeouts)
    stall       forwarded; headers and half the body are sent, then nothing for --stall-seconds
                (past the client's low-speed timeout), then the connection is closed
    409         409 ConditionalRequestConflict, not forwarded: what AWS answers a conditional
                request (If-None-Match, If-Match) that races another; conditional requests only
    412         412 PreconditionFailed, not forwarded: a condition that seems to fail although
                nothing is there (another writer's object deleted since); conditional requests only

Operations: list, get, head, put, copy, delete, delete_batch, multipart, upload_part, bucket,
service; '*' means all. A request draws at most one fault: the rules that apply to its
operation are tried in the order given.

Counters (requests by operation, faults by operation and kind, and requests that repeat one
that drew a fault: the client's retries, in-run or in a later run) are written as JSON to
--stats-file every second and at exit (SIGTERM/SIGINT), and printed on stderr at exit.
Also usable in-process: FaultProxy(...).start_in_thread().
"""

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import struct
import sys
import threading
from urllib.parse import urlsplit, parse_qs

KINDS = ("503", "500", "429", "409", "412", "reset", "reset_body", "truncate", "flip", "delay", "stall")
OPS = ("list", "get", "head", "put", "copy", "delete", "delete_batch", "multipart",
       "upload_part", "bucket", "service")
# Kinds that never reach the server.
_CANNED = {
    "503": (503, "Service Unavailable", "SlowDown", "Please reduce your request rate."),
    "500": (500, "Internal Server Error", "InternalError", "We encountered an internal error."),
    "429": (429, "Too Many Requests", "TooManyRequests", "Too many requests."),
    "409": (409, "Conflict", "ConditionalRequestConflict",
            "A conflicting operation occurred. If using PutObject you can retry the request."),
    "412": (412, "Precondition Failed", "PreconditionFailed",
            "At least one of the pre-conditions you specified did not hold"),
}
# Kinds that only a conditional request can draw.
_CONDITIONAL = ("409", "412")
_MAX_HEAD = 1 << 20


class Rule:
    def __init__(self, ops, kind, rate):
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind '{kind}': expected one of {', '.join(KINDS)}")
        for op in ops:
            if op != "*" and op not in OPS:
                raise ValueError(f"unknown operation '{op}': expected * or one of {', '.join(OPS)}")
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"rate {rate} is not in [0, 1]")
        self.ops, self.kind, self.rate = set(ops), kind, rate

    def matches(self, op):
        return "*" in self.ops or op in self.ops

    @staticmethod
    def parse(text):
        """'get,put:flip=0.02' -> Rule."""
        try:
            ops, rest = text.split(":", 1)
            kind, rate = rest.split("=", 1)
            return Rule([o.strip() for o in ops.split(",") if o.strip()], kind.strip(), float(rate))
        except ValueError as e:
            raise ValueError(f"bad fault rule '{text}' (expected OPS:KIND=RATE): {e}") from None


def classify(method, target, headers):
    """The S3 operation of a path-style request."""
    parts = urlsplit(target)
    query = parse_qs(parts.query, keep_blank_values=True)
    path = parts.path.lstrip("/")
    if not path:
        return "service"
    bucket, _, key = path.partition("/")
    if not key:
        if method == "POST" and "delete" in query:
            return "delete_batch"
        if method == "GET" and ("list-type" in query or not query):
            return "list"
        return "bucket"
    if method == "GET":
        return "get"
    if method == "HEAD":
        return "head"
    if method == "DELETE":
        return "delete"
    if method == "POST":
        return "multipart"
    if method == "PUT":
        if "partNumber" in query:
            return "upload_part"
        if headers.get("x-amz-copy-source"):
            return "copy"
        return "put"
    return "bucket"


def object_key(target):
    path = urlsplit(target).path.lstrip("/")
    return path.partition("/")[2]


class Message:
    """One parsed HTTP/1.1 message head plus its (de-chunked) body."""

    def __init__(self, start, headers, body):
        self.start = start          # request or status line, without CRLF
        self.headers = headers      # [(name, value)] as received
        self.body = body            # bytes

    def header(self, name):
        name = name.lower()
        for n, v in self.headers:
            if n.lower() == name:
                return v
        return None

    def head_bytes(self, drop=(), extra=()):
        drop = {d.lower() for d in drop}
        lines = [self.start] + [f"{n}: {v}" for n, v in self.headers if n.lower() not in drop]
        lines += [f"{n}: {v}" for n, v in extra]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def read_message(reader, is_response=False, request_method=""):
    """Reads one message; None at a clean EOF before any byte."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as e:
        if not e.partial:
            return None
        raise
    lines = head[:-4].decode("latin-1").split("\r\n")
    headers = []
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.append((name.strip(), value.strip()))
    msg = Message(lines[0], headers, b"")
    status = 0
    if is_response:
        status = int(lines[0].split(" ", 2)[1])
        if request_method == "HEAD" or status in (204, 304) or 100 <= status < 200:
            return msg
    te = (msg.header("transfer-encoding") or "").lower()
    if "chunked" in te:
        chunks = []
        while True:
            size_line = await reader.readuntil(b"\r\n")
            size = int(size_line.split(b";")[0].strip(), 16)
            if size == 0:
                # trailers until an empty line
                while (await reader.readuntil(b"\r\n")) != b"\r\n":
                    pass
                break
            chunks.append(await reader.readexactly(size))
            await reader.readexactly(2)
        msg.body = b"".join(chunks)
        msg.dechunked = True
    elif msg.header("content-length") is not None:
        msg.body = await reader.readexactly(int(msg.header("content-length")))
    elif is_response:
        msg.body = await reader.read()  # until close
    return msg


def reset(writer):
    """Closes with RST instead of FIN."""
    sock = writer.get_extra_info("socket")
    try:
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    writer.transport.abort()


class FaultProxy:
    def __init__(self, upstream, rules=(), listen=("127.0.0.1", 0), seed=None, delay_seconds=2.0,
                 stall_seconds=75.0, on_response=None, verbose=False, ssl_context=None):
        host, _, port = upstream.rpartition(":")
        self.upstream = (host or "127.0.0.1", int(port))
        self.rules = list(rules)
        self.listen = listen
        self.random = random.Random(seed)
        self.delay_seconds = delay_seconds
        self.stall_seconds = stall_seconds
        # on_response(op, method, key, status, fault): called after the server answered a
        # forwarded request, before the client gets the answer (a test kills the client there);
        # `fault` is the kind the request drew (None, or one of the forwarded kinds: "reset"
        # means the client will never see this answer).
        self.on_response = on_response
        self.verbose = verbose
        # Serve HTTPS (the upstream stays plain HTTP): a TLS endpoint with any certificate.
        self.ssl_context = ssl_context
        # The Signature= of every Authorization header seen, so tests can look for them in logs.
        self.signatures = set()
        self.lock = threading.Lock()
        self.requests = {}
        self.faults = {}
        self.retried = 0           # requests repeating one that drew a fault
        self._faulted = set()      # (method, target) of requests that drew a fault
        self.enabled = True
        self.port = None
        self._loop = None
        self._server = None
        self._thread = None
        self._ready = threading.Event()

    # ---- counters ------------------------------------------------------------------------------
    def _count(self, table, op, kind=None):
        with self.lock:
            if kind is None:
                table[op] = table.get(op, 0) + 1
            else:
                table.setdefault(op, {})
                table[op][kind] = table[op].get(kind, 0) + 1

    def stats(self):
        with self.lock:
            by_kind = {}
            for per_op in self.faults.values():
                for kind, n in per_op.items():
                    by_kind[kind] = by_kind.get(kind, 0) + n
            return {
                "requests": dict(self.requests),
                "total_requests": sum(self.requests.values()),
                "faults": {op: dict(k) for op, k in self.faults.items()},
                "faults_by_kind": by_kind,
                "total_faults": sum(by_kind.values()),
                "retried_after_fault": self.retried,
            }

    def set_rules(self, rules):
        self.rules = list(rules)

    # ---- fault choice --------------------------------------------------------------------------
    def _choose(self, op, request):
        if not self.enabled:
            return None
        draw = self.random.random()
        acc = 0.0
        for rule in self.rules:
            if not rule.matches(op) or not self._applicable(rule.kind, op, request):
                continue
            acc += rule.rate
            if draw < acc:
                return rule.kind
        return None

    @staticmethod
    def _applicable(kind, op, request):
        if kind == "flip":
            return (op in ("put", "upload_part") and request.body) or op == "get"
        if kind == "truncate":
            return op in ("get", "list")
        if kind in _CONDITIONAL:
            return bool(request.header("if-none-match") or request.header("if-match"))
        return True

    # ---- serving -------------------------------------------------------------------------------
    async def _handle(self, creader, cwriter):
        ureader = uwriter = None
        try:
            while True:
                try:
                    request = await read_message(creader)
                except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
                    return
                if request is None:
                    return
                method, target = request.start.split(" ", 2)[:2]
                auth = request.header("authorization") or ""
                if "Signature=" in auth:
                    with self.lock:
                        self.signatures.add(auth.rsplit("Signature=", 1)[1].strip())
                op = classify(method, target, {n.lower(): v for n, v in request.headers})
                self._count(self.requests, op)
                kind = self._choose(op, request)
                with self.lock:
                    if (method, target) in self._faulted:
                        self._faulted.discard((method, target))
                        self.retried += 1
                    if kind:
                        self._faulted.add((method, target))
                if kind:
                    self._count(self.faults, op, kind)
                    if self.verbose:
                        print(f"fault_proxy: {kind} on {op} {method} {target[:120]}",
                              file=sys.stderr, flush=True)
                if request.header("expect"):
                    cwriter.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                if kind in _CANNED:
                    code, reason, s3code, text = _CANNED[kind]
                    body = (f'<?xml version="1.0" encoding="UTF-8"?><Error><Code>{s3code}</Code>'
                            f"<Message>{text}</Message><RequestId>fault-proxy</RequestId></Error>"
                            ).encode()
                    cwriter.write(
                        f"HTTP/1.1 {code} {reason}\r\nContent-Type: application/xml\r\n"
                        f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
                    await cwriter.drain()
                    continue
                body = request.body
                if kind == "flip":
                    if op in ("put", "upload_part"):
                        body = _flip(body, self.random)
                out = request.head_bytes(drop=("expect", "transfer-encoding")
                                         if getattr(request, "dechunked", False) else ("expect",),
                                         extra=(("Content-Length", str(len(body))),)
                                         if getattr(request, "dechunked", False) else ())
                response = None
                for attempt in range(2):
                    if uwriter is None:
                        ureader, uwriter = await asyncio.open_connection(*self.upstream,
                                                                         limit=_MAX_HEAD)
                        fresh = True
                    else:
                        fresh = False
                    try:
                        uwriter.write(out + body)
                        await uwriter.drain()
                        response = await read_message(ureader, True, method)
                    except (ConnectionError, asyncio.IncompleteReadError):
                        response = None
                    if response is not None:
                        break
                    uwriter.close()
                    ureader = uwriter = None
                    if fresh:
                        break
                if response is None:
                    reset(cwriter)
                    return
                if (response.header("connection") or "").lower() == "close":
                    uwriter.close()
                    ureader = uwriter = None
                status = int(response.start.split(" ", 2)[1])
                if self.on_response is not None:
                    self.on_response(op, method, object_key(target), status, kind)
                rbody = response.body
                has_body = method != "HEAD" and rbody
                if kind == "flip" and op == "get" and has_body and 200 <= status < 300:
                    rbody = _flip(rbody, self.random)
                if kind == "truncate" and has_body:
                    rbody = rbody[: len(rbody) // 2]
                drop = ("content-length", "transfer-encoding")
                extra = (("Content-Length", str(len(rbody))),) if method != "HEAD" else ()
                if method == "HEAD":
                    drop = ()
                head = response.head_bytes(drop=drop, extra=extra)
                if kind == "reset":
                    reset(cwriter)
                    return
                if kind == "delay":
                    await asyncio.sleep(self.delay_seconds)
                if kind == "reset_body":
                    cwriter.write(head + rbody[: len(rbody) // 2])
                    await cwriter.drain()
                    reset(cwriter)
                    return
                if kind == "stall":
                    cwriter.write(head + rbody[: len(rbody) // 2])
                    await cwriter.drain()
                    await asyncio.sleep(self.stall_seconds)
                    reset(cwriter)
                    return
                cwriter.write(head + (rbody if method != "HEAD" else b""))
                await cwriter.drain()
                if (response.header("connection") or "").lower() == "close":
                    cwriter.close()
                    return
        except (ConnectionError, asyncio.IncompleteReadError, OSError, ValueError):
            pass
        finally:
            if uwriter is not None:
                uwriter.close()
            if not cwriter.is_closing():
                cwriter.close()

    async def _serve(self):
        self._server = await asyncio.start_server(self._handle, self.listen[0], self.listen[1],
                                                  limit=_MAX_HEAD, backlog=512,
                                                  ssl=self.ssl_context)
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        async with self._server:
            await self._server.serve_forever()

    def start_in_thread(self):
        """Serves from a daemon thread; returns the port."""
        def run():
            self._loop = asyncio.new_event_loop()
            try:
                self._loop.run_until_complete(self._serve())
            except asyncio.CancelledError:
                pass
        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        self._ready.wait(10)
        return self.port

    def stop(self):
        if self._loop is not None and self._server is not None:
            self._loop.call_soon_threadsafe(self._server.close)
            for task in asyncio.all_tasks(self._loop):
                self._loop.call_soon_threadsafe(task.cancel)
        if self._thread is not None:
            self._thread.join(5)


def _flip(data, rng):
    if not data:
        return data
    i = rng.randrange(len(data))
    return data[:i] + bytes([data[i] ^ 0x20]) + data[i + 1:]


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--upstream", required=True, help="HOST:PORT of the real S3 endpoint")
    p.add_argument("--listen", default="127.0.0.1:0", help="HOST:PORT to listen on (0: any port)")
    p.add_argument("--fault", action="append", default=[], metavar="OPS:KIND=RATE")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--delay-seconds", type=float, default=2.0)
    p.add_argument("--stall-seconds", type=float, default=75.0)
    p.add_argument("--port-file", help="write the listening port here once ready")
    p.add_argument("--stats-file", help="write the counters here (JSON) every second and at exit")
    p.add_argument("--verbose", action="store_true", help="log each fault on stderr")
    args = p.parse_args(argv)
    try:
        rules = [Rule.parse(r) for r in args.fault]
    except ValueError as e:
        p.error(str(e))
    host, _, port = args.listen.rpartition(":")
    proxy = FaultProxy(args.upstream, rules, (host or "127.0.0.1", int(port)), args.seed,
                       args.delay_seconds, args.stall_seconds, verbose=args.verbose)
    proxy.start_in_thread()
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(f"{proxy.port}\n")
        os.replace(tmp, args.port_file)
    print(f"fault_proxy: listening on {host or '127.0.0.1'}:{proxy.port} -> {args.upstream}",
          file=sys.stderr, flush=True)

    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())

    def dump():
        if args.stats_file:
            tmp = args.stats_file + ".tmp"
            with open(tmp, "w") as f:
                json.dump(proxy.stats(), f, indent=1, sort_keys=True)
            os.replace(tmp, args.stats_file)

    while not done.wait(1.0):
        dump()
    dump()
    print("fault_proxy: " + json.dumps(proxy.stats(), sort_keys=True), file=sys.stderr, flush=True)
    proxy.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
