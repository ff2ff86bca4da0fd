"""Plays a scenario (scenario.py) against a real S3 API: moto's server, with the fault proxy
(tools/fault_proxy) between s3proc and it when a run draws faults. Records the history the
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
    code: int | None = None
    signalled: str = ""  # the signal sent, once sent
    events: list = field(default_factory=list)
    stderr: str = ""
    uploaded_during: set = field(default_factory=set)  # rel keys re-uploaded while it ran
    hung: bool = False

    def describe(self):
        stop = f", {self.stop[0]} after {self.stop[1]} objects" if self.stop else ""
        faults = f", faults {' '.join(self.faults)}" if self.faults else ""
        return f"run on host {self.host}{stop}{faults}: exit {self.code}"


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
        self.dir = tempfile.mkdtemp(prefix=f"s3proc-model-{scn.seed}-")
        self.hosts = [os.path.join(self.dir, f"host{i}") for i in range(scn.hosts)]
        self.inputs = []   # InputVersion, in upload order
        self.foreign = {}  # key -> (body, version_id)
        self.runs = []     # RunRecord
        self.lock = threading.Lock()

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)

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

    def command(self, host, endpoint):
        cmd = [self.binary, "run", "--bucket", self.bucket, "--work-dir", self.hosts[host],
               "--endpoint-url", endpoint, "--log-format", "json", "--no-progress",
               "--concurrency", str(self.scn.concurrency),
               "--lease-shards", str(self.scn.shards), "--lease-seconds", "30",
               "--max-attempts", str(self.scn.max_attempts),
               "--max-decompressed-bytes", "100000"]
        for route in self.scn.routes:
            cmd += ["--route", route]
        return cmd

    def env(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "S3PROC_"))}
        env.update(CREDENTIALS)
        env.update({"AWS_REGION": REGION, "AWS_EC2_METADATA_DISABLED": "true"})
        return env

    def run(self, spec, index, record=None):
        """Plays one Run to its end (or its signal); returns its RunRecord."""
        record = record or RunRecord(spec.host, spec.stop, spec.faults)
        proxy = None
        endpoint = self.moto.endpoint
        if spec.faults:
            proxy = fault_proxy.FaultProxy(f"127.0.0.1:{self.moto.port}",
                                           [fault_proxy.Rule.parse(r) for r in spec.faults],
                                           seed=self.scn.seed * 1000 + index, stall_seconds=5)
            endpoint = f"http://127.0.0.1:{proxy.start_in_thread()}"
        try:
            self._play(spec, record, endpoint)
        finally:
            if proxy:
                proxy.stop()
        with self.lock:
            self.runs.append(record)
        return record

    def _play(self, spec, record, endpoint):
        proc = subprocess.Popen(self.command(spec.host, endpoint), stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True, env=self.env())
        watchdog = threading.Timer(RUN_TIMEOUT, lambda: (setattr(record, "hung", True),
                                                         proc.kill()))
        watchdog.start()
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
                if spec.stop and not record.signalled and objects >= spec.stop[1]:
                    self._signal(proc, record, spec.stop[0])
            record.code = proc.wait()
        finally:
            watchdog.cancel()
            record.stderr = "".join(lines)

    @staticmethod
    def _signal(proc, record, name):
        record.signalled = name
        proc.send_signal(signal.SIGKILL if name == "KILL" else signal.SIGTERM)

    def round(self, specs, index, late):
        """Runs `specs` at once (overlapping runs), uploading `late` while they run."""
        records = [RunRecord(s.host, s.stop, s.faults) for s in specs]
        threads = [threading.Thread(target=self.run, args=(s, index * 10 + i, r))
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


def _parse(line):
    line = line.strip()
    if not line.startswith("{"):
        return None
    try:
        return json.loads(line)
    except ValueError:
        return None

