"""Plays a scenario (scenario.py) against a real S3 API: moto's server, with the fault proxy
(tools/fault_proxy) between s3proc and it when a run draws faults. In queue mode the same server's
SQS holds the bucket's events (moto sends them itself), and a run's SQS requests go through its
fault proxy too. A run whose clock is off runs under libfaketime. Records the history the
invariants are judged on: every input version a user uploaded, every foreign object, and every
run's log, exit status and the uploads that happened while it ran."""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tools", "fault_proxy"))
sys.path.insert(0, os.path.join(REPO, "testutil"))
import fault_proxy  # noqa: E402
import moto_serve  # noqa: E402
import scenario as sc  # noqa: E402

REGION = "us-east-1"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "s3proc-model", "AWS_SECRET_ACCESS_KEY": "model-secret"}

RUN_TIMEOUT = 120  # a run that takes longer hangs: that is a finding, not a slow machine
# A follow run (a service) not stopped by its own signal before this is sent SIGTERM: long
# enough for several passes at --poll-seconds 1, short beside RUN_TIMEOUT.
FOLLOW_SECONDS = 4

# libfaketime (Debian's package faketime), the multithreaded build: s3proc is multithreaded.
FAKETIME_LIBRARY = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1"


@dataclass
class InputVersion:
    rel: str
    body: bytes
    etag: str
    version_id: str  # "" on an unversioned bucket
    kind: str


@dataclass
class RunRecord:
    host: int
    stop: tuple | None
    faults: list
    clock: int = 0
    follow: bool = False
    code: int | None = None
    signalled: str = ""  # the signal sent, once sent
    events: list = field(default_factory=list)
    stderr: str = ""
    uploaded_during: set = field(default_factory=set)  # rel keys re-uploaded while it ran
    overwrote: list = field(default_factory=list)  # rel keys it re-uploaded once logged
    hung: bool = False

    def describe(self):
        stop = f", {self.stop[0]} after {self.stop[1]} objects" if self.stop else ""
        faults = f", faults {' '.join(self.faults)}" if self.faults else ""
        clock = f", clock {self.clock:+d} s" if self.clock else ""
        clock += ", --follow" if self.follow else ""
        again = (f", re-uploaded {', '.join(repr(r[:60]) for r in self.overwrote)}"
                 if self.overwrote else "")
        return f"run on host {self.host}{stop}{faults}{clock}{again}: exit {self.code}"


class World:
    """One bucket on a shared moto server, and the work dirs of the scenario's hosts."""

    def __init__(self, moto, binary, scn):
        self.moto, self.binary, self.scn = moto, binary, scn
        self.s3 = moto.client("s3")
        self.bucket = "mc-" + uuid.uuid4().hex[:16]
        self.s3.create_bucket(Bucket=self.bucket)
        if scn.versioned:
            self.s3.put_bucket_versioning(Bucket=self.bucket,
                                          VersioningConfiguration={"Status": "Enabled"})
        self.queue_url = self._event_queue() if scn.mode == "queue" else ""
        self.events_lost = False  # set by the drain: files in input/, no message in the queue
        self.dir = tempfile.mkdtemp(prefix=f"s3proc-model-{scn.seed}-")
        self.hosts = [os.path.join(self.dir, f"host{i}") for i in range(scn.hosts)]
        self.inputs = []   # InputVersion, in upload order
        self.foreign = {}  # key -> (body, version_id)
        self.runs = []     # RunRecord
        self.lock = threading.Lock()

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def _event_queue(self):
        """An SQS queue that the bucket's ObjectCreated events under input/ feed (moto sends an
        s3:TestEvent first, as S3 does), set up before anything is uploaded: its URL."""
        self.sqs = self.moto.client("sqs")
        url = self.sqs.create_queue(QueueName=self.bucket, Attributes={
            "VisibilityTimeout": str(sc.QUEUE_VISIBILITY)})["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]
        self.s3.put_bucket_notification_configuration(
            Bucket=self.bucket, NotificationConfiguration={"QueueConfigurations": [{
                "QueueArn": arn, "Events": ["s3:ObjectCreated:*"],
                "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": sc.INPUT}]}}}]})
        return url

    def queue_counts(self):
        """(visible, in flight) messages of the event queue."""
        a = self.sqs.get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=[
            "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
        return (int(a["ApproximateNumberOfMessages"]),
                int(a["ApproximateNumberOfMessagesNotVisible"]))

    def wait_for_held_messages(self):
        """Until no message is in flight (what a killed run held, a failed object's backoff),
        at most the visibility timeout and a second: a drain pass then receives them all."""
        deadline = time.monotonic() + sc.QUEUE_VISIBILITY + 1
        while self.queue_counts()[1] and time.monotonic() < deadline:
            time.sleep(0.1)

    # ---- the user's side ----------------------------------------------------------------------

    def upload(self, rel, body, kind):
        reply = self.s3.put_object(Bucket=self.bucket, Key=sc.INPUT + rel, Body=body)
        version = InputVersion(rel, body, reply["ETag"].strip('"'), reply.get("VersionId", ""),
                               kind)
        with self.lock:
            self.inputs.append(version)
        return version

    def put_foreign(self):
        for key, body in self.scn.foreign.items():
            reply = self.s3.put_object(Bucket=self.bucket, Key=key, Body=body)
            self.foreign[key] = (body, reply.get("VersionId", ""))

    # ---- s3proc's side ------------------------------------------------------------------------

    def command(self, host, endpoint, queue_wait, follow=False):
        cmd = [self.binary, "run", "--bucket", self.bucket, "--work-dir", self.hosts[host],
               "--endpoint-url", endpoint, "--log-format", "json", "--no-progress",
               "--concurrency", str(self.scn.concurrency),
               "--lease-shards", str(self.scn.shards), "--lease-seconds", "30",
               "--max-attempts", str(self.scn.max_attempts),
               "--max-decompressed-bytes", "100000"]
        for route in self.scn.routes:
            cmd += ["--route", route]
        if self.queue_url:
            cmd += ["--queue-url", self.queue_url, "--queue-wait-seconds", str(queue_wait)]
        if follow:  # queue mode waits in its long polls; listing mode between passes
            cmd += ["--follow"] + ([] if self.queue_url else ["--poll-seconds", "1"])
        return cmd

    def env(self, endpoint, clock):
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("AWS_", "S3PROC_", "FAKETIME")) and k != "LD_PRELOAD"}
        env.update(CREDENTIALS)
        env.update({"AWS_REGION": REGION, "AWS_EC2_METADATA_DISABLED": "true",
                    "AWS_ENDPOINT_URL_SQS": endpoint})
        if clock and clock_available():
            # The wall clock only, as an NTP step moves it; timeouts and backoffs keep theirs.
            env.update({"LD_PRELOAD": FAKETIME_LIBRARY, "FAKETIME": f"{clock:+d}",
                        "FAKETIME_DONT_FAKE_MONOTONIC": "1"})
        return env

    def run(self, spec, index, record=None, queue_wait=0):
        """Plays one Run to its end (or its signal); returns its RunRecord. In queue mode a pass
        ends at a poll that waited `queue_wait` seconds for nothing."""
        record = record or RunRecord(spec.host, spec.stop, spec.faults, spec.clock, spec.follow)
        proxy = None
        endpoint = self.moto.endpoint
        if spec.faults:
            proxy = fault_proxy.FaultProxy(f"127.0.0.1:{self.moto.port}",
                                           [fault_proxy.Rule.parse(r) for r in spec.faults],
                                           seed=self.scn.seed * 1000 + index, stall_seconds=5)
            endpoint = f"http://127.0.0.1:{proxy.start_in_thread()}"
        try:
            self._play(spec, record, endpoint, queue_wait)
        finally:
            if proxy:
                proxy.stop()
        with self.lock:
            self.runs.append(record)
        return record

    def _play(self, spec, record, endpoint, queue_wait):
        proc = subprocess.Popen(self.command(spec.host, endpoint, queue_wait, spec.follow),
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                env=self.env(endpoint, spec.clock))
        watchdog = threading.Timer(RUN_TIMEOUT, lambda: (setattr(record, "hung", True),
                                                         proc.kill()))
        watchdog.start()
        # A follow run ends only by a signal: its own stop when it comes, else SIGTERM.
        service_stop = threading.Timer(FOLLOW_SECONDS, lambda: record.signalled or
                                       self._signal(proc, record, "TERM"))
        if spec.follow:
            service_stop.start()
        objects = 0
        lines = []
        try:
            if spec.stop and spec.stop[1] == 0:
                self._signal(proc, record, spec.stop[0])
            for line in proc.stderr:
                lines.append(line)
                event = _parse(line)
                if event is None:
                    continue
                record.events.append(event)
                if event.get("event") != "object":
                    continue
                objects += 1
                rel = event.get("key", "")[len(sc.INPUT):]
                if rel in spec.overwrite and event.get("outcome") in ("done", "rejected"):
                    spec.overwrite.remove(rel)  # once per run
                    self.upload(rel, sc.overwrite_body(self.scn.seed, rel), "json")
                    record.uploaded_during.add(rel)
                    record.overwrote.append(rel)
                if spec.stop and not record.signalled and objects >= spec.stop[1]:
                    self._signal(proc, record, spec.stop[0])
            record.code = proc.wait()
        finally:
            watchdog.cancel()
            service_stop.cancel()
            record.stderr = "".join(lines)

    @staticmethod
    def _signal(proc, record, name):
        record.signalled = name
        proc.send_signal(signal.SIGKILL if name == "KILL" else signal.SIGTERM)

    def round(self, specs, index, late):
        """Runs `specs` at once (overlapping runs), uploading `late` while they run. In queue
        mode a run during which something is uploaded polls on for a second, so that it may
        receive the new events; the others end at the first empty poll."""
        records = [RunRecord(s.host, s.stop, s.faults, s.clock, s.follow) for s in specs]
        threads = [threading.Thread(target=self.run, args=(s, index * 10 + i, r),
                                    kwargs={"queue_wait": 1 if late or s.overwrite else 0})
                   for i, (s, r) in enumerate(zip(specs, records))]
        for t in threads:
            t.start()
        for u in late:
            self.upload(u.rel, u.body, u.kind)
            for r in records:
                r.uploaded_during.add(u.rel)
        for t in threads:
            t.join()

    # ---- reading the bucket -------------------------------------------------------------------

    def versions(self, prefix=""):
        """[{Key, VersionId, ETag, IsLatest}] of every object version under prefix (no delete
        markers); on an unversioned bucket one per key, VersionId 'null'."""
        out = []
        pages = self.s3.get_paginator("list_object_versions").paginate(
            Bucket=self.bucket, Prefix=prefix)  # botocore asks for URL-encoded keys and decodes
        for page in pages:
            for v in page.get("Versions", []):
                out.append({"Key": v["Key"], "VersionId": v["VersionId"],
                            "ETag": v["ETag"].strip('"'), "IsLatest": v["IsLatest"]})
        return out

    def head(self, key, version_id):
        args = {"Bucket": self.bucket, "Key": key}
        if version_id and version_id != "null":
            args["VersionId"] = version_id
        return self.s3.head_object(**args)

    def body(self, key, version_id):
        args = {"Bucket": self.bucket, "Key": key}
        if version_id and version_id != "null":
            args["VersionId"] = version_id
        return self.s3.get_object(**args)["Body"].read()

    def leftover_local_files(self):
        """Files left in any host's downloads/ or processed/."""
        out = []
        for host in self.hosts:
            for folder in ("downloads", "processed"):
                for root, _, files in os.walk(os.path.join(host, folder)):
                    out += [os.path.join(root, f) for f in files]
        return out


def clock_available():
    """Whether a run's clock can be set off (libfaketime is installed); when not, such a run
    plays with the true time."""
    return os.path.exists(FAKETIME_LIBRARY)


def _parse(line):
    line = line.strip()
    if not line.startswith("{"):
        return None
    try:
        return json.loads(line)
    except ValueError:
        return None

